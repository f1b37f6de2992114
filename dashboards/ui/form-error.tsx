/** A form's error sentence, announced to screen readers; the form points at it with aria-describedby={`${id}-error`}. */
export function FormError({ id, error }: { id: string; error: string }) {
  if (!error) return null;
  return (
    <p id={`${id}-error`} className="form-error" role="alert">
      {error}
    </p>
  );
}

/** An action's error beside its button (inline), announced to screen readers. */
export function InlineError({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <span className="form-error" role="alert">
      {' '}
      {error}
    </span>
  );
}
