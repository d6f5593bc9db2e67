import type { FieldError } from '../../common/domain/field-error';

/** An event of a batch that was not taken: its place in the batch, its id if it had one, and why. */
export interface Rejection {
  index: number;
  eventId?: string;
  /** Same shape as a 400's details: each rejected field with its problems. */
  details: FieldError[];
}

/** What accepting events answers: each event is accepted, a duplicate of one already stored, or rejected. */
export interface AcceptResult {
  accepted: string[];
  duplicates: string[];
  rejected: Rejection[];
}
