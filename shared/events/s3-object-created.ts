import * as v from 'valibot';
import { decodeS3Key } from '../domain/dataset-location';
import { InvalidEventError } from '../errors';
import type { UploadedObject } from '../use-cases/start-training-from-upload';

/** S3 "Object Created" delivered by EventBridge. Keys here are NOT URL-encoded. Extra fields are allowed. */
const EventBridgeObjectCreated = v.object({
  source: v.literal('aws.s3'),
  'detail-type': v.literal('Object Created'),
  detail: v.object({
    bucket: v.object({ name: v.pipe(v.string(), v.minLength(1)) }),
    object: v.object({
      key: v.pipe(v.string(), v.minLength(1)),
      etag: v.optional(v.string()),
      'version-id': v.optional(v.string()),
      sequencer: v.optional(v.string()),
    }),
  }),
});

/** Classic S3 notification; keys are form-encoded ('+' for a space). */
const S3NotificationRecords = v.object({
  Records: v.pipe(
    v.array(
      v.object({
        eventSource: v.literal('aws:s3'),
        eventName: v.string(),
        s3: v.object({
          bucket: v.object({ name: v.pipe(v.string(), v.minLength(1)) }),
          object: v.object({
            key: v.pipe(v.string(), v.minLength(1)),
            eTag: v.optional(v.string()),
            versionId: v.optional(v.string()),
            sequencer: v.optional(v.string()),
          }),
        }),
      }),
    ),
    v.minLength(1),
  ),
});

const ObjectCreatedEvent = v.union([EventBridgeObjectCreated, S3NotificationRecords]);

/** Validates either delivery shape and returns the created objects with decoded keys. */
export function parseObjectCreated(event: unknown): UploadedObject[] {
  const result = v.safeParse(ObjectCreatedEvent, event);
  if (!result.success)
    throw new InvalidEventError(
      'not an S3 Object Created event (EventBridge) or S3 notification (Records[])',
      {
        issues: result.issues
          .slice(0, 5)
          .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`),
      },
    );
  const parsed = result.output;
  if ('detail' in parsed) {
    const { bucket, object } = parsed.detail;
    return [
      {
        bucket: bucket.name,
        key: object.key,
        versionOrEtag: object['version-id'] ?? object.sequencer ?? object.etag ?? '',
      },
    ];
  }
  const objects: UploadedObject[] = [];
  for (const record of parsed.Records) {
    if (!record.eventName.startsWith('ObjectCreated:')) continue;
    const { bucket, object } = record.s3;
    let key: string;
    try {
      key = decodeS3Key(object.key);
    } catch {
      throw new InvalidEventError(`S3 key is not valid URL encoding: ${object.key.slice(0, 200)}`);
    }
    objects.push({
      bucket: bucket.name,
      key,
      versionOrEtag: object.versionId ?? object.sequencer ?? object.eTag ?? '',
    });
  }
  return objects;
}
