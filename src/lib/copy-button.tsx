import { useEffect, useRef, useState } from "react";

/** Copies text with the Clipboard API, falling back to a hidden textarea and execCommand("copy"). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied or unavailable (e.g. plain http); try the older way below.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let copied: boolean;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

type CopyState = "idle" | "copied" | "failed";

/** A "Copy" button whose accessible name says what it copies, with a "Copied" confirmation. */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<CopyState>("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function onClick() {
    const copied = await copyText(text);
    setState(copied ? "copied" : "failed");
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 2500);
  }

  return (
    <span className="copy">
      {/* The name comes from content, not aria-label, so label lookups of form fields never match it. */}
      <button type="button" className="small" onClick={() => void onClick()}>
        {state === "copied" ? "Copied " : "Copy "}
        <span className="sr-only">{what}</span>
      </button>
      <span role="status" className={state === "failed" ? "copy-note error-text" : "sr-only"}>
        {state === "copied" ? `Copied ${what}` : state === "failed" ? "Copy failed; select the text and copy it" : ""}
      </span>
    </span>
  );
}

/** A block of code (JSON or shell) with a title and a copy button. */
export function CodeBlock({ title, code, what }: { title: string; code: string; what?: string }) {
  return (
    <figure className="code-block">
      <figcaption>
        <span className="code-title">{title}</span>
        <CopyButton text={code} what={what ?? title} />
      </figcaption>
      <pre tabIndex={0} title={title}>
        <code>{code}</code>
      </pre>
    </figure>
  );
}
