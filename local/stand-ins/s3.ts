import { createRequire } from 'node:module';
import S3rver from 's3rver';
import type { RunningServer } from './http';

export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  sequencer: string;
  reason: 'PutObject' | 'PostObject' | 'CopyObject' | 'CompleteMultipartUpload';
  sourceIp: string;
}

interface S3rverRecord {
  eventName: string;
  requestParameters?: { sourceIPAddress?: string };
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
}

const REASONS: Record<string, ObjectCreated['reason']> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Post': 'PostObject',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
};

/**
 * S3 through s3rver (files under `directory`), path-style, any signature accepted. Every object creation
 * is reported to `onObjectCreated` with a strictly increasing sequencer, as S3 orders events per key.
 */
export async function startS3(options: {
  directory: string;
  buckets: string[];
  onObjectCreated: (object: ObjectCreated) => void;
  /** Credentials the stand-in accepts besides s3rver's own S3RVER/S3RVER. */
  credentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<RunningServer> {
  // s3rver knows one hard-coded key pair; register the local mode's fake credentials with its account.
  const accounts = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  accounts.DUMMY_ACCOUNT.createKeyPair(options.credentials.accessKeyId, options.credentials.secretAccessKey);
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: options.directory,
    allowMismatchedSignatures: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  let sequence = BigInt(Date.now()) * 1000n;
  server.on('event', (event: { Records: S3rverRecord[] }) => {
    for (const record of event.Records) {
      const reason = REASONS[record.eventName];
      if (!reason) continue;
      sequence += 1n;
      options.onObjectCreated({
        bucket: record.s3.bucket.name,
        key: record.s3.object.key,
        size: record.s3.object.size ?? 0,
        etag: record.s3.object.eTag ?? '',
        sequencer: sequence.toString(16).toUpperCase().padStart(16, '0'),
        reason,
        sourceIp: record.requestParameters?.sourceIPAddress ?? '127.0.0.1',
      });
    }
  });
  const address = await server.run();
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}
