// Worker entry: `npm run worker` (npm start runs one beside the API with the platform load identity).
// Runs every task whose desired state is running until SIGTERM/SIGINT.
import { runWorker } from "./run.ts";

await runWorker();
