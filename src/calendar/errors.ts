import { Invalid } from '../errors.js';

/**
 * A bad argument to the calendar: an invalid or out-of-range date, a negative or
 * fractional count, a malformed override. `param` names the offending parameter so the
 * HTTP layer can point at it; it is a 400 (`Invalid`) like every other bad request.
 */
export class CalendarError extends Invalid {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message, { param });
  }
}
