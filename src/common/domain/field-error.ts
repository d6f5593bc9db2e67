/**
 * One rejected field: which field, and every problem found with it. The API's one shape for a rejected
 * field, in a 400's `details` and in a batch's per-event rejections alike. Plain TypeScript (no HTTP), so
 * services that reject input can speak it without importing the HTTP layer.
 */
export interface FieldError {
  /** Path of the offending field ("country", "data.purpose"); "" for the input as a whole. */
  field: string;
  problems: string[];
}

/** Groups one-message-per-problem findings by field, fields in order of their first problem. */
export function groupProblemsByField(errors: readonly { field: string; message: string }[]): FieldError[] {
  const byField = new Map<string, string[]>();
  for (const { field, message } of errors) {
    const problems = byField.get(field);
    if (problems) problems.push(message);
    else byField.set(field, [message]);
  }
  return [...byField].map(([field, problems]) => ({ field, problems }));
}
