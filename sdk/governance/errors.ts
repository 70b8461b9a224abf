/**
 * The error a governance action throws when the chain would refuse it, or did: a short message a person can act on
 * (shown as is by the CLI and the web app), and details for whoever debugs it.
 */
export class GovernanceError extends Error {
  override name = "GovernanceError";
  /** The message alone, without details: what the CLI prints and the web app shows. */
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}
