/**
 * Named errors. Each one says whether retrying can help, so the one boundary that classifies errors
 * (shared/middleware/error-boundary.ts) can acknowledge permanent ones and rethrow transient ones.
 */
export type ErrorKind = 'permanent' | 'transient';

export abstract class OrchestratorError extends Error {
  abstract readonly kind: ErrorKind;
  /** Stable machine-readable code for logs, metrics and events. */
  abstract readonly code: string;
  readonly details: Record<string, unknown>;
  /**
   * A permanent error that must still reach the dead-letter queue / on-failure destination, because
   * the event is worth keeping for a person (e.g. a notification Slack refused for good). The error
   * boundary rethrows these instead of acknowledging them.
   */
  readonly deadLetter: boolean = false;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

/** A setting is missing or invalid; raised at cold start so the function never runs half-configured. */
export class ConfigurationError extends OrchestratorError {
  readonly kind = 'permanent';
  readonly code = 'InvalidConfiguration';
}

/** The trigger event does not have the shape we expect. Retrying the same event cannot help. */
export class InvalidEventError extends OrchestratorError {
  readonly kind = 'permanent';
  readonly code = 'InvalidEvent';
}

/** The dataset's manifest.json is missing, too large, not JSON, or breaks the schema or allow-lists. */
export class InvalidManifestError extends OrchestratorError {
  readonly kind = 'permanent';
  readonly code = 'InvalidManifest';
}

/** No dataset version could be found for a scheduled retrain. */
export class DatasetNotFoundError extends OrchestratorError {
  readonly kind = 'permanent';
  readonly code = 'DatasetNotFound';
}

/** A downstream call failed in a way that may succeed later (throttling, 5xx, timeouts). */
export class TransientDependencyError extends OrchestratorError {
  readonly kind = 'transient';
  readonly code = 'TransientDependencyFailure';
}

export const isOrchestratorError = (error: unknown): error is OrchestratorError =>
  error instanceof OrchestratorError;

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** The dataset version cannot become a valid training job (e.g. its S3 paths exceed SageMaker's limits). */
export class InvalidDatasetError extends OrchestratorError {
  readonly kind = 'permanent';
  readonly code = 'InvalidDataset';
}

/** CreateTrainingJob was refused by an account quota (ResourceLimitExceeded). */
export class QuotaExceededError extends OrchestratorError {
  readonly kind = 'transient';
  readonly code = 'ResourceLimitExceeded';
}

/**
 * Slack refused the webhook for good (404/410, invalid_token, no_service, channel_not_found, ...):
 * retrying cannot help, but the message must not be lost, so it is dead-lettered.
 */
export class SlackWebhookRejectedError extends OrchestratorError {
  readonly kind = 'permanent';
  readonly code = 'SlackWebhookRejected';
  override readonly deadLetter = true;
}

/** SageMaker refused the request itself (ValidationException): the same request can never succeed. */
export class TrainingRequestRejectedError extends OrchestratorError {
  readonly kind = 'permanent';
  readonly code = 'ValidationException';
}
