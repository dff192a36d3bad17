import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReportStore } from '../use-cases/ports';

const S3_URI = /^s3:\/\/([^/]+)\/(.+)$/;

/** JSON reports in S3; server-side encryption follows the bucket's default (KMS_KEY_ID when set). */
export function s3ReportStore(client: S3Client, kmsKeyId?: string): ReportStore {
  return {
    async putJson(s3Uri, body) {
      const match = S3_URI.exec(s3Uri);
      if (!match?.[1] || !match[2]) throw new RangeError(`not an s3:// object URI: ${s3Uri}`);
      await client.send(
        new PutObjectCommand({
          Bucket: match[1],
          Key: match[2],
          Body: `${JSON.stringify(body, null, 2)}\n`,
          ContentType: 'application/json',
          ...(kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId } : {}),
        }),
      );
    },
  };
}
