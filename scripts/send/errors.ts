/** A mistake in the command line, the config or FILE: printed as is, exit code 2. */
export class SendError extends Error {}
