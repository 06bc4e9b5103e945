// Prints the CloudFormation template a deployment publishes for Launch stack links
// (docs/aws-template.md): the console's template with no form values as defaults, since each link
// passes them as param_ values. Usage: node scripts/aws-template.ts > databend-aws-side.json
import { cloudFormationTemplateText } from "../src/features/data-sources/aws-cloudformation.ts";
import { GENERIC_INPUTS } from "../src/features/data-sources/aws-template-model.ts";

process.stdout.write(cloudFormationTemplateText(GENERIC_INPUTS));
