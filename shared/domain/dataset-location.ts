/**
 * Where a dataset version lives and when it is ready. Only `<prefix>/<dataset>/<version>/manifest.json`
 * starts a run; every other key is ignored with a reason, cheaply and without any AWS call.
 */
export const MANIFEST_FILE = 'manifest.json';

export interface DatasetVersion {
  bucket: string;
  /** Dataset name as written in the key (may hold spaces or unicode). */
  dataset: string;
  version: string;
  /** Key prefix of the version root, ending with '/'. */
  versionRoot: string;
  manifestKey: string;
}

export type ReadinessDecision =
  | { ready: true; datasetVersion: DatasetVersion }
  | { ready: false; reason: IgnoreReason };

export type IgnoreReason =
  | 'outside-datasets-prefix'
  | 'folder-placeholder'
  | 'not-a-manifest'
  | 'manifest-not-at-version-root'
  | 'reserved-name'
  | 'other-bucket';

/** S3 event keys are form-encoded: '+' is a space and '%2B' a plus. */
export function decodeS3Key(encodedKey: string): string {
  return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
}

export function datasetVersionRoot(prefix: string, dataset: string, version: string): string {
  return `${prefix}/${dataset}/${version}/`;
}

export function datasetUri(version: Pick<DatasetVersion, 'bucket' | 'versionRoot'>): string {
  return `s3://${version.bucket}/${version.versionRoot}`;
}

/** Names we never treat as datasets or versions: hidden, reserved or path tricks. */
const isReservedSegment = (segment: string): boolean =>
  segment === '' || segment === '.' || segment === '..' || segment.startsWith('.') || segment.startsWith('_');

export function readiness(
  watched: { bucket: string; prefix: string },
  bucket: string,
  key: string,
): ReadinessDecision {
  if (bucket !== watched.bucket) return { ready: false, reason: 'other-bucket' };
  if (!key.startsWith(`${watched.prefix}/`)) return { ready: false, reason: 'outside-datasets-prefix' };
  if (key.endsWith('/')) return { ready: false, reason: 'folder-placeholder' };
  const segments = key.slice(watched.prefix.length + 1).split('/');
  if (segments.at(-1) !== MANIFEST_FILE) return { ready: false, reason: 'not-a-manifest' };
  if (segments.length !== 3) return { ready: false, reason: 'manifest-not-at-version-root' };
  const [dataset = '', version = ''] = segments;
  if (isReservedSegment(dataset) || isReservedSegment(version))
    return { ready: false, reason: 'reserved-name' };
  const versionRoot = datasetVersionRoot(watched.prefix, dataset, version);
  return {
    ready: true,
    datasetVersion: { bucket, dataset, version, versionRoot, manifestKey: `${versionRoot}${MANIFEST_FILE}` },
  };
}
