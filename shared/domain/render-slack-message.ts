import { DETAIL_TYPES, type DetailType } from './orchestrator-events';

/** Slack's documented Block Kit limits (api.slack.com/reference/block-kit). */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  blocks: 50,
  buttonText: 75,
  url: 3000,
  fallbackText: 3000,
  contextElementText: 3000,
} as const;

type MaybeNumber = number | null | undefined;

/** Whatever an orchestrator event's detail carries; every field is optional so any event renders. */
export interface NotificationDetail {
  runId?: string | undefined;
  jobName?: string | undefined;
  attempt?: MaybeNumber;
  maxAttempts?: MaybeNumber;
  trigger?: string | undefined;
  dataset?: { name: string; version: string; uri?: string | undefined } | undefined;
  instanceType?: string | undefined;
  instanceCount?: MaybeNumber;
  spot?: boolean | undefined;
  links?: { console?: string | undefined; logs?: string | undefined } | undefined;
  reason?: string | undefined;
  status?: string | undefined;
  failureReason?: string | undefined;
  failureClass?: string | undefined;
  remedy?: string | undefined;
  nextAction?: string | undefined;
  nextInstanceType?: string | undefined;
  nextSpot?: boolean | undefined;
  nextAttemptAt?: string | undefined;
  metrics?: Record<string, number> | undefined;
  trainingSeconds?: MaybeNumber;
  billableSeconds?: MaybeNumber;
  spotSavings?: MaybeNumber;
  estimatedCostUsd?: MaybeNumber;
  modelArtifacts?: string | undefined;
  modelPackageArn?: string | undefined;
  modelPackageGroupName?: string | undefined;
  modelPackageVersion?: MaybeNumber;
  approvalStatus?: string | undefined;
  approvalMetric?: string | undefined;
  approvalMetricValue?: MaybeNumber;
  approvalThreshold?: MaybeNumber;
  modelDataUrl?: string | undefined;
  runningJobName?: string | undefined;
}

export interface SlackBlockMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

const HEADLINE: Record<DetailType, { emoji: string; title: string }> = {
  [DETAIL_TYPES.started]: { emoji: ':rocket:', title: 'Training started' },
  [DETAIL_TYPES.retrying]: { emoji: ':repeat:', title: 'Training failed, retrying' },
  [DETAIL_TYPES.succeeded]: { emoji: ':white_check_mark:', title: 'Training succeeded' },
  [DETAIL_TYPES.failed]: { emoji: ':x:', title: 'Training failed' },
  [DETAIL_TYPES.stopped]: { emoji: ':octagonal_sign:', title: 'Training stopped' },
  [DETAIL_TYPES.registered]: { emoji: ':package:', title: 'Model registered' },
  [DETAIL_TYPES.skipped]: { emoji: ':fast_forward:', title: 'Training skipped' },
};

/** Cuts text to `max` characters, ending with an ellipsis when it had to cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Slack mrkdwn needs &, < and > escaped; everything a person or SageMaker wrote goes through this. */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** 3725 -> "1h 2m 5s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const parts = [
    [Math.floor(s / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ] as const;
  const shown = parts.filter(([value]) => value > 0).map(([value, unit]) => `${value}${unit}`);
  return shown.length ? shown.join(' ') : '0s';
}

/** A time Slack shows in each reader's own time zone, with the UTC text as fallback. */
export function slackDate(iso: string): string {
  const epoch = Math.floor(new Date(iso).getTime() / 1000);
  if (!Number.isFinite(epoch)) return escapeMrkdwn(iso);
  return `<!date^${epoch}^{date_short_pretty} {time}|${iso.replace(/\.\d{3}Z$/, 'Z')}>`;
}

const formatMetric = (value: number): string =>
  Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) >= 100 ? 1 : 4);

const section = (text: string): Record<string, unknown> => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) },
});

const fieldsSection = (fields: string[]): Record<string, unknown> => ({
  type: 'section',
  fields: fields
    .slice(0, SLACK_LIMITS.fields)
    .map((text) => ({ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.fieldText) })),
});

function mode(spot: boolean | undefined): string {
  return spot === undefined ? '' : spot ? ' (spot)' : ' (on-demand)';
}

/**
 * One Slack Block Kit message per orchestrator event, written for the person who has to act: what
 * happened to which dataset, why, what happens next (or what they can do), and links to the job and its
 * logs. Pure; stays within Slack's limits whatever the input.
 */
export function renderSlackMessage(detailType: DetailType, detail: NotificationDetail): SlackBlockMessage {
  const { emoji, title } = HEADLINE[detailType];
  const dataset = detail.dataset ? `${detail.dataset.name} ${detail.dataset.version}` : 'unknown dataset';
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${emoji} ${title}: ${dataset}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
  ];

  const facts: string[] = [];
  if (detail.dataset)
    facts.push(
      `*Dataset*\n${escapeMrkdwn(detail.dataset.name)} (version ${escapeMrkdwn(detail.dataset.version)})`,
    );
  if (detail.jobName) facts.push(`*Training job*\n\`${escapeMrkdwn(detail.jobName)}\``);
  if (detail.attempt != null)
    facts.push(
      `*Attempt*\n${detail.attempt}${detail.maxAttempts != null ? ` of ${detail.maxAttempts}` : ''}`,
    );
  if (detail.instanceType)
    facts.push(
      `*Instance*\n${escapeMrkdwn(detail.instanceType)}${detail.instanceCount != null && detail.instanceCount > 1 ? ` × ${detail.instanceCount}` : ''}${mode(detail.spot)}`,
    );
  if (detail.trigger) facts.push(`*Trigger*\n${escapeMrkdwn(detail.trigger)}`);
  if (detail.runningJobName) facts.push(`*Still running*\n\`${escapeMrkdwn(detail.runningJobName)}\``);
  if (facts.length) blocks.push(fieldsSection(facts));

  if (detail.failureReason || detail.failureClass)
    blocks.push(
      section(
        `*Why* (${escapeMrkdwn(detail.failureClass ?? 'unclassified')})\n>${escapeMrkdwn(detail.failureReason ?? '').replace(/\n/g, '\n>')}`,
      ),
    );

  switch (detailType) {
    case DETAIL_TYPES.started:
      if (detail.reason) blocks.push(section(`*Why this attempt*\n${escapeMrkdwn(detail.reason)}`));
      break;
    case DETAIL_TYPES.retrying: {
      const when = detail.nextAttemptAt ? ` at ${slackDate(detail.nextAttemptAt)}` : '';
      const next = detail.nextInstanceType
        ? `\nNext instance: ${escapeMrkdwn(detail.nextInstanceType)}${mode(detail.nextSpot)}`
        : '';
      blocks.push(
        section(
          `*What happens next*${when}\n${escapeMrkdwn(detail.nextAction ?? 'the orchestrator retries automatically')}${next}\nNothing to do unless the retries run out.`,
        ),
      );
      break;
    }
    case DETAIL_TYPES.failed:
    case DETAIL_TYPES.stopped:
      blocks.push(section(`*What you can do*\n${escapeMrkdwn(detail.remedy ?? 'Read the job logs.')}`));
      break;
    case DETAIL_TYPES.skipped:
      blocks.push(section(`*Why skipped*\n${escapeMrkdwn(detail.reason ?? 'no reason given')}`));
      break;
    default:
      break;
  }

  const metrics = Object.entries(detail.metrics ?? {});
  if (metrics.length)
    blocks.push(
      section(
        `*Final metrics*\n${metrics.map(([name, value]) => `• ${escapeMrkdwn(name)}: *${formatMetric(value)}*`).join('\n')}`,
      ),
    );

  const costs: string[] = [];
  if (detail.trainingSeconds != null)
    costs.push(`*Training time*\n${formatDuration(detail.trainingSeconds)}`);
  if (detail.billableSeconds != null)
    costs.push(`*Billable time*\n${formatDuration(detail.billableSeconds)}`);
  if (detail.spotSavings != null) costs.push(`*Spot savings*\n${Math.round(detail.spotSavings * 100)}%`);
  if (detail.estimatedCostUsd != null)
    costs.push(`*Estimated cost*\n$${detail.estimatedCostUsd.toFixed(2)} (estimate)`);
  if (costs.length) blocks.push(fieldsSection(costs));

  if (detail.modelPackageArn) {
    const version =
      detail.modelPackageVersion != null ? `version ${detail.modelPackageVersion}` : 'a new version';
    const approval = detail.approvalStatus ?? 'unknown';
    const rule =
      detail.approvalMetric && detailType === DETAIL_TYPES.registered
        ? detail.approvalThreshold == null
          ? '\nAutomatic approval is off (APPROVAL_THRESHOLD is empty): a reviewer approves it in the Model Registry.'
          : `\n${escapeMrkdwn(detail.approvalMetric)} = ${detail.approvalMetricValue != null ? formatMetric(detail.approvalMetricValue) : 'not reported'}, threshold ${detail.approvalThreshold}${approval === 'Approved' ? '' : ': a reviewer decides in the Model Registry.'}`
        : '';
    blocks.push(
      section(
        `*Model package*: ${version}, *${escapeMrkdwn(approval)}*\n\`${escapeMrkdwn(detail.modelPackageArn)}\`${rule}`,
      ),
    );
  }

  const buttons: Record<string, unknown>[] = [];
  const link = (text: string, url: string | undefined, id: string) => {
    if (url && url.length <= SLACK_LIMITS.url && /^https:\/\//.test(url))
      buttons.push({ type: 'button', text: { type: 'plain_text', text, emoji: true }, url, action_id: id });
  };
  link('SageMaker console', detail.links?.console, 'open-console');
  link('CloudWatch Logs', detail.links?.logs, 'open-logs');
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });

  const context = [
    detail.runId ? `run \`${escapeMrkdwn(detail.runId)}\`` : '',
    detail.status ? `status ${escapeMrkdwn(detail.status)}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  if (context)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(context, SLACK_LIMITS.contextElementText) }],
    });

  const fallback = [
    `${title}: ${dataset}`,
    detail.jobName ? `job ${detail.jobName}` : '',
    detail.attempt != null
      ? `attempt ${detail.attempt}${detail.maxAttempts != null ? ` of ${detail.maxAttempts}` : ''}`
      : '',
    detail.failureClass ? `${detail.failureClass}` : '',
    detail.nextAction ?? detail.remedy ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    text: truncate(fallback, SLACK_LIMITS.fallbackText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}
