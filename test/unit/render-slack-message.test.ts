import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DETAIL_TYPES, type DetailType } from '../../shared/domain/orchestrator-events';
import {
  formatDuration,
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackBlockMessage,
  truncate,
} from '../../shared/domain/render-slack-message';
import { SAMPLE_DETAILS } from '../support/orchestrator-details';

/** Every documented Block Kit limit the renderer promises to keep. */
function assertWithinSlackLimits(message: SlackBlockMessage): void {
  assert.ok(message.text.length > 0 && message.text.length <= SLACK_LIMITS.fallbackText, 'fallback text');
  assert.ok(message.blocks.length >= 1 && message.blocks.length <= SLACK_LIMITS.blocks, 'block count');
  type Text = { text: string };
  type Block = {
    type: string;
    text?: Text;
    fields?: Text[];
    elements?: Array<{ text: Text; url: string }>;
  };
  for (const block of message.blocks as Block[]) {
    if (block.type === 'header')
      assert.ok([...(block.text?.text ?? '')].length <= SLACK_LIMITS.headerText, 'header');
    if (block.type === 'section') {
      if (block.text) assert.ok([...block.text.text].length <= SLACK_LIMITS.sectionText, 'section text');
      if (block.fields) {
        assert.ok(block.fields.length <= SLACK_LIMITS.fields, 'field count');
        for (const field of block.fields)
          assert.ok([...field.text].length <= SLACK_LIMITS.fieldText, 'field');
      }
    }
    if (block.type === 'actions')
      for (const button of block.elements ?? []) {
        assert.ok(button.text.text.length <= SLACK_LIMITS.buttonText, 'button text');
        assert.ok(button.url.length <= SLACK_LIMITS.url && button.url.startsWith('https://'), 'button url');
      }
  }
}

const allText = (message: SlackBlockMessage): string => JSON.stringify(message.blocks);

describe('renderSlackMessage', () => {
  for (const detailType of Object.values(DETAIL_TYPES) as DetailType[]) {
    it(`renders ${detailType} within Slack's limits`, () => {
      const message = renderSlackMessage(detailType, SAMPLE_DETAILS[detailType]);
      assertWithinSlackLimits(message);
      assert.equal((message.blocks[0] as { type: string }).type, 'header');
    });
  }

  it('renders a Retrying event exactly', () => {
    const message = renderSlackMessage(DETAIL_TYPES.retrying, SAMPLE_DETAILS[DETAIL_TYPES.retrying]);
    const links = SAMPLE_DETAILS[DETAIL_TYPES.retrying].links;
    assert.deepEqual(message, {
      text: 'Training failed, retrying: cats v1 · job gto-cats-0123456789ab-1 · attempt 1 of 3 · InternalServerError · launch attempt 2 on ml.g5.4xlarge (spot) again after a 120s backoff',
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: ':repeat: Training failed, retrying: cats v1', emoji: true },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Dataset*\ncats (version v1)' },
            { type: 'mrkdwn', text: '*Training job*\n`gto-cats-0123456789ab-1`' },
            { type: 'mrkdwn', text: '*Attempt*\n1 of 3' },
            { type: 'mrkdwn', text: '*Instance*\nml.g5.4xlarge (spot)' },
            { type: 'mrkdwn', text: '*Trigger*\ndataset-upload' },
          ],
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '*Why* (InternalServerError)\n>InternalServerError: We encountered an internal error.  Please try again.',
          },
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '*What happens next* at <!date^1767607320^{date_short_pretty} {time}|2026-01-05T10:02:00Z>\nlaunch attempt 2 on ml.g5.4xlarge (spot) again after a 120s backoff\nNext instance: ml.g5.4xlarge (spot)\nNothing to do unless the retries run out.',
          },
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'SageMaker console', emoji: true },
              url: links?.console,
              action_id: 'open-console',
            },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'CloudWatch Logs', emoji: true },
              url: links?.logs,
              action_id: 'open-logs',
            },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'run `0123456789ab`' }] },
      ],
    });
  });

  it('says what to do, what it cost and what was registered', () => {
    const failed = allText(renderSlackMessage(DETAIL_TYPES.failed, SAMPLE_DETAILS[DETAIL_TYPES.failed]));
    assert.match(failed, /What you can do.*batch_size/);
    const succeeded = allText(
      renderSlackMessage(DETAIL_TYPES.succeeded, SAMPLE_DETAILS[DETAIL_TYPES.succeeded]),
    );
    assert.match(succeeded, /validation:accuracy: \*0\.9312\*/);
    assert.match(succeeded, /Training time\*\\n1h 2m 5s/);
    assert.match(succeeded, /Spot savings\*\\n70%/);
    assert.match(succeeded, /\$0\.63/);
    assert.match(succeeded, /version 7, \*Approved\*/);
    const registered = allText(
      renderSlackMessage(DETAIL_TYPES.registered, SAMPLE_DETAILS[DETAIL_TYPES.registered]),
    );
    assert.match(registered, /validation:accuracy = 0\.8712, threshold 0\.9: a reviewer decides/);
  });

  it('truncates a huge failure reason with an ellipsis, escapes mrkdwn, and never exceeds limits', () => {
    const message = renderSlackMessage(DETAIL_TYPES.failed, {
      ...SAMPLE_DETAILS[DETAIL_TYPES.failed],
      dataset: { name: 'x'.repeat(400), version: 'v1' },
      failureReason: `AlgorithmError: <script> & ${'y'.repeat(5000)}`,
    });
    assertWithinSlackLimits(message);
    const why = message.blocks.find((block) => JSON.stringify(block).includes('*Why*')) as {
      text: { text: string };
    };
    assert.equal([...why.text.text].length, SLACK_LIMITS.sectionText);
    assert.ok(why.text.text.endsWith('…'));
    assert.match(why.text.text, /&lt;script&gt; &amp;/);
  });

  it('renders an event with almost nothing in it', () => {
    assertWithinSlackLimits(renderSlackMessage(DETAIL_TYPES.failed, {}));
  });

  it('formats durations and truncates by characters', () => {
    assert.equal(formatDuration(3725), '1h 2m 5s');
    assert.equal(formatDuration(0), '0s');
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abc', 4), 'abc');
  });
});
