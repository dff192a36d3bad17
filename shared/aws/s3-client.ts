import { S3Client } from '@aws-sdk/client-s3';
import { getConfig } from '../config/load-config';

/** One S3 client per process. Checksums only when S3 requires them, which S3-compatible stand-ins expect. */
export const s3Client = new S3Client({
  forcePathStyle: getConfig().s3ForcePathStyle,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
