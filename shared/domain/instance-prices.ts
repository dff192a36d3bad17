/**
 * On-demand prices of SageMaker *training* GPU instances, USD per instance-hour, us-east-1, as listed on
 * https://aws.amazon.com/sagemaker/pricing/ (On-Demand Pricing, Training tab) when this table was
 * written. They are estimates for a Slack message, not a bill: prices change and differ by region, spot
 * is billed at its own (lower) rate, and Savings Plans are ignored. PRICE_TABLE (JSON) overrides or
 * extends this table per deployment; a type with no price gives no estimate rather than a wrong one.
 */
export const TRAINING_PRICES_USD_PER_HOUR: Readonly<Record<string, number>> = {
  'ml.g4dn.xlarge': 0.736,
  'ml.g4dn.2xlarge': 0.94,
  'ml.g4dn.4xlarge': 1.505,
  'ml.g4dn.8xlarge': 2.72,
  'ml.g4dn.12xlarge': 4.89,
  'ml.g4dn.16xlarge': 5.44,
  'ml.g5.xlarge': 1.408,
  'ml.g5.2xlarge': 1.515,
  'ml.g5.4xlarge': 2.03,
  'ml.g5.8xlarge': 3.06,
  'ml.g5.12xlarge': 7.09,
  'ml.g5.16xlarge': 4.6,
  'ml.g5.24xlarge': 10.18,
  'ml.g5.48xlarge': 20.36,
  'ml.g6.xlarge': 1.0064,
  'ml.g6.2xlarge': 1.222,
  'ml.g6.4xlarge': 1.6618,
  'ml.g6.8xlarge': 2.5328,
  'ml.p3.2xlarge': 3.825,
  'ml.p3.8xlarge': 14.688,
  'ml.p3.16xlarge': 28.152,
  'ml.p3dn.24xlarge': 35.894,
  'ml.p4d.24xlarge': 37.688,
};

/** The deployment's table: built-in prices, overridden and extended by PRICE_TABLE. */
export function priceTable(overrides: Readonly<Record<string, number>>): Record<string, number> {
  return { ...TRAINING_PRICES_USD_PER_HOUR, ...overrides };
}

/**
 * Estimated cost of a job: billable seconds x on-demand price x instance count. With managed spot,
 * SageMaker reports billable seconds already discounted (its own savings formula is
 * 1 - billable/training), so the same product estimates the spot cost. Undefined when the type has no
 * price.
 */
export function estimateCostUsd(
  prices: Readonly<Record<string, number>>,
  instanceType: string,
  instanceCount: number,
  billableSeconds: number,
): number | undefined {
  const hourly = prices[instanceType];
  if (hourly === undefined) return undefined;
  return Math.round((billableSeconds / 3600) * hourly * instanceCount * 100) / 100;
}

/** 1 - billable/training seconds: the share of training time managed spot did not bill. */
export function spotSavings(trainingSeconds: number, billableSeconds: number): number | undefined {
  if (!(trainingSeconds > 0) || billableSeconds > trainingSeconds) return undefined;
  return Math.round((1 - billableSeconds / trainingSeconds) * 1000) / 1000;
}
