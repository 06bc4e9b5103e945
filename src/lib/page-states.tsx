// Page states shared by the console's features: loading, a failed load (404 or other), breadcrumbs.
import { Link } from "react-router";
import { ApiRequestError } from "./api-client.ts";

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="loading">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

/** A failed query: "not found" for 404 with a link back to `back`, otherwise the error with a retry. */
export function LoadError({
  error,
  what,
  retry,
  back,
}: {
  error: Error;
  what: string;
  retry: () => void;
  back: { to: string; label: string };
}) {
  if (error instanceof ApiRequestError && error.status === 404) {
    return (
      <div role="alert" className="alert alert-error">
        <p>This {what} does not exist; it may have been deleted.</p>
        <Link to={back.to}>Back to {back.label}</Link>
      </div>
    );
  }
  return (
    <div role="alert" className="alert alert-error">
      <p>
        Could not load the {what}: {error.message}
      </p>
      <button type="button" onClick={retry}>
        Retry
      </button>
    </div>
  );
}

export function Breadcrumbs({ trail }: { trail: { label: string; to?: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        {trail.map((step, index) => (
          <li key={index}>
            {step.to ? <Link to={step.to}>{step.label}</Link> : <span aria-current="page">{step.label}</span>}
          </li>
        ))}
      </ol>
    </nav>
  );
}
