/**
 * CreateTrainingJob's ResourceLimitExceeded message names the quota, its value and its use, e.g.
 * "The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances, with current
 * utilization of 0 Instances and a request delta of 1 Instances. ..."
 */
export interface QuotaRefusal {
  quotaName: string;
  limit: number;
  inUse: number;
  requested: number;
  spot: boolean;
}

const QUOTA_MESSAGE =
  /service limit '([^']+)' is (\d+) Instances?, with current utilization of (\d+) Instances? and a request delta of (\d+) Instances?/i;

export function parseQuotaRefusal(message: string): QuotaRefusal | undefined {
  const match = QUOTA_MESSAGE.exec(message);
  if (!match) return undefined;
  const [, quotaName = '', limit = '0', inUse = '0', requested = '0'] = match;
  return {
    quotaName,
    limit: Number(limit),
    inUse: Number(inUse),
    requested: Number(requested),
    spot: /for spot training job usage/i.test(quotaName),
  };
}

/** True when waiting can never help: the quota is smaller than one job, whatever else is running. */
export const quotaCanNeverFit = (refusal: QuotaRefusal): boolean => refusal.limit < refusal.requested;
