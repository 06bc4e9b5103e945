import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";

/**
 * A labelled text input with help text and an inline error. The input points at both through
 * aria-describedby (error first) and says aria-invalid while the error shows.
 */
export function TextField({
  label,
  help,
  error,
  required,
  registration,
  note,
  ...input
}: {
  label: string;
  help: ReactNode;
  error?: string;
  required?: boolean;
  registration: UseFormRegisterReturn;
  /** Extra explanation under the help text (e.g. why a field is read-only). */
  note?: ReactNode;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "onChange" | "onBlur" | "ref" | "required">) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const noteId = `${id}-note`;
  const describedBy = [error ? errorId : null, helpId, note ? noteId : null].filter(Boolean).join(" ");
  return (
    <div className={error ? "field has-error" : "field"}>
      <div className="field-label">
        {/* The label holds the exact field name; the required mark sits outside it. */}
        <label htmlFor={id}>{label}</label>
        {required ? (
          <span className="required" aria-hidden="true" title="Required">
            *
          </span>
        ) : null}
      </div>
      <input
        id={id}
        type="text"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        aria-required={required || undefined}
        autoComplete="off"
        spellCheck={false}
        {...input}
        {...registration}
      />
      {error ? (
        <p id={errorId} className="field-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
      <p id={helpId} className="field-help">
        {help}
      </p>
      {note ? (
        <p id={noteId} className="field-note">
          {note}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled select with help text and an inline error, wired like TextField. */
export function SelectField({
  label,
  help,
  error,
  required,
  registration,
  children,
  ...select
}: {
  label: string;
  help: ReactNode;
  error?: string;
  required?: boolean;
  registration: UseFormRegisterReturn;
  children: ReactNode;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "onChange" | "onBlur" | "ref" | "required" | "children">) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  return (
    <div className={error ? "field has-error" : "field"}>
      <div className="field-label">
        <label htmlFor={id}>{label}</label>
        {required ? (
          <span className="required" aria-hidden="true" title="Required">
            *
          </span>
        ) : null}
      </div>
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={[error ? errorId : null, helpId].filter(Boolean).join(" ")}
        aria-required={required || undefined}
        {...select}
        {...registration}
      >
        {children}
      </select>
      {error ? (
        <p id={errorId} className="field-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
      <p id={helpId} className="field-help">
        {help}
      </p>
    </div>
  );
}
