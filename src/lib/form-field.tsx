import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";

interface FieldProps {
  label: string;
  help: ReactNode;
  error?: string;
  required?: boolean;
  registration: UseFormRegisterReturn;
  /** Extra explanation under the help text (e.g. why a field is read-only). */
  note?: ReactNode;
}

/** What the control inside a field carries so it is tied to its label, error and help. */
interface ControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string;
  "aria-required": true | undefined;
}

/**
 * The frame every form control sits in: label (with a required mark outside it), the control,
 * an inline error, help text and an optional note. The control points at the error (first), the
 * help and the note through aria-describedby and says aria-invalid while the error shows.
 */
function Field({ label, help, error, required, note, control }: Omit<FieldProps, "registration"> & {
  control: (props: ControlProps) => ReactNode;
}) {
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
      {control({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy,
        "aria-required": required || undefined,
      })}
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

/** A labelled text input with help text and an inline error. */
export function TextField({
  registration,
  label,
  help,
  error,
  required,
  note,
  ...input
}: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "onChange" | "onBlur" | "ref" | "required">) {
  return (
    <Field
      label={label}
      help={help}
      error={error}
      required={required}
      note={note}
      control={(aria) => <input type="text" autoComplete="off" spellCheck={false} {...aria} {...input} {...registration} />}
    />
  );
}

/** A labelled select with help text and an inline error, wired like TextField. */
export function SelectField({
  registration,
  label,
  help,
  error,
  required,
  note,
  children,
  ...select
}: FieldProps & { children: ReactNode } & Omit<
    SelectHTMLAttributes<HTMLSelectElement>,
    "name" | "onChange" | "onBlur" | "ref" | "required" | "children"
  >) {
  return (
    <Field
      label={label}
      help={help}
      error={error}
      required={required}
      note={note}
      control={(aria) => (
        <select {...aria} {...select} {...registration}>
          {children}
        </select>
      )}
    />
  );
}
