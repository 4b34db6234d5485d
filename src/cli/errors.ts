/** An error whose message is meant for the user as it is (bad input, bad option): printed as one line. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
