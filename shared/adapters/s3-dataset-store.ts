import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { MANIFEST_FILE } from '../domain/dataset-location';
import { InvalidManifestError } from '../errors';
import type { DatasetStore, DatasetVersionMarker } from '../use-cases/ports';

const MAX_VERSION_PAGES = 10;
const HEAD_CONCURRENCY = 8;

const isMissing = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'name' in error &&
  ['NoSuchKey', 'NotFound'].includes(String(error.name));

/** Datasets in S3. Listing goes by version folders (Delimiter '/'), never by every image of a dataset. */
export function s3DatasetStore(client: S3Client): DatasetStore {
  return {
    async readManifest(bucket, key, maxBytes) {
      let response: GetObjectCommandOutput;
      try {
        // Range keeps a huge object from being downloaded; one byte more than allowed proves it is too big.
        response = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${maxBytes}` }),
        );
      } catch (error) {
        if (isMissing(error))
          throw new InvalidManifestError(`s3://${bucket}/${key} no longer exists`, { key });
        // S3 answers a range request on an empty object with 416 InvalidRange: an empty manifest is `{}`.
        if ((error as { name?: string }).name === 'InvalidRange') return { body: '', byteLength: 0 };
        throw error;
      }
      const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
      const range = response.ContentRange;
      const total = range ? Number(range.split('/')[1]) : bytes.byteLength;
      return {
        body: new TextDecoder('utf-8', { fatal: false }).decode(bytes),
        byteLength: Number.isFinite(total) ? total : bytes.byteLength,
      };
    },
    async listVersions(bucket, datasetPrefix) {
      const versions: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_VERSION_PAGES; page++) {
        const result = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: datasetPrefix,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        );
        for (const common of result.CommonPrefixes ?? []) {
          const version = common.Prefix?.slice(datasetPrefix.length).replace(/\/$/, '');
          if (version && !version.startsWith('.') && !version.startsWith('_')) versions.push(version);
        }
        token = result.NextContinuationToken;
        if (!token) break;
      }
      const markers: DatasetVersionMarker[] = [];
      for (let i = 0; i < versions.length; i += HEAD_CONCURRENCY) {
        const heads = await Promise.all(
          versions.slice(i, i + HEAD_CONCURRENCY).map(async (version) => {
            const manifestKey = `${datasetPrefix}${version}/${MANIFEST_FILE}`;
            try {
              const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: manifestKey }));
              return {
                version,
                manifestKey,
                lastModified: head.LastModified ?? new Date(0),
                etag: head.ETag ?? '',
              };
            } catch (error) {
              if (isMissing(error)) return undefined;
              throw error;
            }
          }),
        );
        for (const head of heads) if (head) markers.push(head);
      }
      return markers;
    },
  };
}
