import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { type LocalStack, PYTHON, startLocalStack } from './local-stack';
import { ANSI, PLAIN, renderSlackPayload } from './render-slack-terminal';
import { runScenario, type ScenarioResult } from './scenario';
import { FAULTS, type Fault, type TrainingProgress } from './stand-ins/sagemaker';

const USAGE = `Usage: node --import tsx local/run-local.ts [options]

Runs the whole orchestrator on this machine: local S3, EventBridge, Scheduler, SageMaker (real training
with container/train), SSM, DynamoDB and a Slack receiver; the functions run unchanged.

  --simulate <fault>   ${FAULTS.join(' | ')} (first attempt of the run)
  --epochs <n>         epochs to train (default 2)
  --images <n>         training images per class (default 12)
  --schedule           after the upload run, fire the retraining schedule too
  --keep               keep the stand-ins running after the flow (Ctrl-C ends them)
  --quiet              print only the summary
  -h, --help           this text

Set SLACK_WEBHOOK_URL to post the messages to a real Slack channel as well as showing them here.`;

const PACKAGES = ['python3-torch', 'python3-torchvision', 'python3-pil', 'python3-botocore'];

function canTrain(): { ok: boolean; why: string } {
  const botocoreModel = '/usr/lib/python3/dist-packages/botocore/data/sagemaker/2017-07-24/service-2.json';
  if (!existsSync(PYTHON)) return { ok: false, why: `${PYTHON} is missing` };
  try {
    execFileSync(PYTHON, ['-c', 'import torch, torchvision, PIL'], { stdio: 'ignore', timeout: 120_000 });
  } catch {
    return { ok: false, why: `${PYTHON} cannot import torch, torchvision and PIL` };
  }
  if (!existsSync(botocoreModel))
    return { ok: false, why: `the SageMaker API model ${botocoreModel} is missing` };
  return { ok: true, why: '' };
}

/** The training program needs PyTorch; Debian and Ubuntu package it, so root can install it here. */
function ensurePrerequisites(say: (line: string) => void): void {
  let check = canTrain();
  if (check.ok) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    say(`${check.why}; installing ${PACKAGES.join(' ')} with apt-get (a few minutes, once)...`);
    try {
      execFileSync('apt-get', ['update'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch {
      // reported below
    }
    check = canTrain();
    if (check.ok) return;
  }
  throw new Error(
    [
      `Local training needs PyTorch for ${PYTHON} (${check.why}).`,
      hasApt
        ? `Install it with: sudo apt-get install -y ${PACKAGES.join(' ')}`
        : `Install Python 3 with torch, torchvision and Pillow as ${PYTHON}, and botocore's data files (pip install botocore; the model must be at /usr/lib/python3/dist-packages/botocore/data/sagemaker/2017-07-24/service-2.json).`,
      'Or use Docker with the NVIDIA Container Toolkit and a GPU: the local SageMaker then runs the image built from container/.',
    ].join('\n'),
  );
}

function progressBar(progress: TrainingProgress, width = 28): string {
  const done = (progress.epoch - 1 + progress.step / progress.steps) / progress.epochs;
  const filled = Math.round(done * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.round(done * 100)
    .toString()
    .padStart(
      3,
    )}%  epoch ${progress.epoch}/${progress.epochs}  step ${progress.step}/${progress.steps}  loss ${progress.loss.toFixed(4)}`;
}

function summarize(
  stack: LocalStack,
  results: ScenarioResult[],
  style: typeof ANSI,
  repoRoot: string,
): string {
  const lines: string[] = ['', style.bold('Summary')];
  const rel = (path: string) => relative(repoRoot, path) || '.';
  for (const result of results) {
    lines.push(
      `  ${result.trigger === 'upload' ? `dataset ${result.dataset}/${result.version}` : 'scheduled retrain'}${result.simulate ? ` (simulated ${result.simulate})` : ''}: ${result.outcome}, ${(result.durationMs / 1000).toFixed(1)} s, ${result.createTrainingJobCalls} CreateTrainingJob call(s)`,
    );
    for (const job of result.jobs) {
      lines.push(
        `    ${job.name}  ${job.instanceType}${job.spot ? ' spot' : ''}  ${job.status}${job.secondaryStatus !== job.status ? ` (${job.secondaryStatus})` : ''}`,
      );
      if (job.failureReason) lines.push(`      reason: ${job.failureReason}`);
      const metrics = Object.entries(job.metrics).map(([name, value]) => `${name}=${value}`);
      if (metrics.length) lines.push(`      metrics: ${metrics.join('  ')}`);
      if (job.trainingSeconds !== undefined)
        lines.push(`      training ${job.trainingSeconds} s, billable ${job.billableSeconds} s`);
      if (job.modelArtifacts) lines.push(`      model: ${job.modelArtifacts}`);
      lines.push(
        `      files: ${rel(job.workDir)}/ (model/, input/config/, logs/training.log; checkpoints and model.tar.gz in S3)`,
      );
    }
    for (const version of result.modelVersions)
      lines.push(`    registered: ${version.group} version ${version.version}, ${version.approval}`);
    lines.push(
      `    Slack messages: ${result.slackPosts.length}${process.env.SLACK_WEBHOOK_URL ? ' (to SLACK_WEBHOOK_URL)' : ' (local receiver)'}`,
    );
    lines.push(`    dead letters: ${result.deadLetters.length}`);
    for (const dead of result.deadLetters)
      lines.push(`      ${dead.function} <- ${dead.source}: ${dead.error} (${dead.attempts} attempts)`);
  }
  lines.push(`  function logs: ${rel(stack.logFile)}`);
  lines.push(`  S3 objects:    ${rel(stack.stateDir)}/s3/`);
  lines.push(`  training jobs: ${rel(stack.stateDir)}/jobs/`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      simulate: { type: 'string' },
      epochs: { type: 'string', default: '2' },
      images: { type: 'string', default: '12' },
      schedule: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const simulate = values.simulate as Fault | undefined;
  if (simulate && !FAULTS.includes(simulate))
    throw new Error(`--simulate must be one of ${FAULTS.join(', ')}`);
  const epochs = Number(values.epochs);
  const images = Number(values.images);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 50)
    throw new Error('--epochs must be an integer from 1 to 50');
  if (!Number.isInteger(images) || images < 2 || images > 500)
    throw new Error('--images must be an integer from 2 to 500');

  const tty = process.stdout.isTTY === true;
  const style = tty ? ANSI : PLAIN;
  const quiet = values.quiet;
  const started = Date.now();
  const elapsed = () => style.dim(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`);
  let barShown = false;
  const say = (line: string) => {
    if (quiet) return;
    if (barShown) process.stdout.write('\r\x1b[2K');
    barShown = false;
    process.stdout.write(`${elapsed()} ${line}\n`);
  };
  ensurePrerequisites((line) => process.stdout.write(`${line}\n`));

  const repoRoot = process.cwd();
  let lastEpochShown = '';
  const stack = await startLocalStack({
    repoRoot,
    scheduledDataset: 'shapes',
    ...(process.env.SLACK_WEBHOOK_URL ? { slackWebhookUrl: process.env.SLACK_WEBHOOK_URL } : {}),
    onEvent: (bus, event, targets) => {
      const detail = event.detail as Record<string, unknown>;
      if (event['detail-type'] === 'Object Created' && targets.length === 0) return;
      const what =
        event['detail-type'] === 'SageMaker Training Job State Change'
          ? `${String(detail.TrainingJobName)} ${String(detail.TrainingJobStatus)}/${String(detail.SecondaryStatus)}`
          : event['detail-type'] === 'Object Created'
            ? `s3://${String((detail.bucket as Record<string, unknown>).name)}/${String((detail.object as Record<string, unknown>).key)}`
            : `${String(detail.jobName ?? detail.runId ?? '')}`;
      say(
        `${style.bold(event['detail-type'])} ${style.dim(`[${bus} bus]`)} ${what}${targets.length ? ` -> ${targets.join(', ')}` : ''}`,
      );
    },
    onProgress: (progress) => {
      if (quiet) return;
      if (tty) {
        process.stdout.write(`\r\x1b[2K${elapsed()}   ${progressBar(progress)}`);
        barShown = true;
      }
    },
    onTrainingLine: (jobName, line) => {
      if (quiet) return;
      if (line.startsWith('METRIC ') || line.startsWith('FAILURE ')) say(`  ${style.dim(jobName)} ${line}`);
      else if (!tty && /^epoch \d+\/\d+ step (\d+)\/\1 /.test(line) && line !== lastEpochShown) {
        lastEpochShown = line;
        say(`  ${style.dim(jobName)} ${line}`);
      }
    },
    onSlack: (post) => {
      if (quiet) return;
      say(`${style.bold('Slack message')}\n${renderSlackPayload(post.payload, style)}`);
    },
  });
  const endpoints = Object.entries(stack.endpoints).map(
    ([name, url]) => `${name.replace('AWS_ENDPOINT_URL_', '').toLowerCase()} ${url}`,
  );
  say(
    `local stack up (${stack.runtime.kind === 'docker' ? 'training in Docker with the GPU' : `training as a local process with ${PYTHON}, on the CPU`}): ${endpoints.join(', ')}`,
  );
  say(`functions from serverless.yml: ${stack.template.functions.map((fn) => fn.key).join(', ')}`);

  const results: ScenarioResult[] = [];
  try {
    results.push(
      await runScenario(stack, {
        epochs,
        perClassTrain: images,
        perClassValidation: Math.max(2, Math.round(images / 3)),
        ...(simulate ? { simulate } : {}),
        onStage: say,
      }),
    );
    if (values.schedule) results.push(await runScenario(stack, { trigger: 'schedule', onStage: say }));
  } catch (error) {
    say(`the flow did not finish: ${(error as Error).message}`);
  }
  process.stdout.write(`${summarize(stack, results, style, repoRoot)}\n`);
  const ok = results.length > 0 && results.every((result) => result.ok);
  process.stdout.write(
    `${ok ? 'flow completed as expected' : 'flow did NOT complete as expected'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  if (values.keep) {
    process.stdout.write(
      `stand-ins still running (Ctrl-C to stop):\n${Object.entries(stack.endpoints)
        .map(([name, url]) => `  ${name}=${url}`)
        .join('\n')}\n`,
    );
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await stack.stop();
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
