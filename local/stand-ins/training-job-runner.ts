import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

const run = promisify(execFile);

/** How the training program runs: in the image with the host's GPUs, or as a local CPU process. */
export type TrainingRuntime =
  | { kind: 'docker'; image: string }
  | { kind: 'process'; python: string; program: string };

export interface ChannelInput {
  name: string;
  s3Uri: string;
  inputMode: string;
}

export interface TrainingProgramInput {
  jobName: string;
  workDir: string;
  hyperparameters: Record<string, string>;
  instanceType: string;
  instanceCount: number;
  channels: ChannelInput[];
  checkpointS3Uri: string | undefined;
  onLine: (line: string) => void;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1]) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1], key: match[2] ?? '' };
}

/** Copies every object under an S3 prefix into a folder, keeping the relative paths. */
export async function downloadPrefix(s3: S3Client, uri: string, folder: string): Promise<number> {
  const { bucket, key: prefix } = parseS3Uri(uri);
  let token: string | undefined;
  let count = 0;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key || object.Key.endsWith('/')) continue;
      const relativePath = object.Key.slice(prefix.length).replace(/^\/+/, '');
      const target = join(folder, relativePath || object.Key.split('/').pop() || 'object');
      await mkdir(dirname(target), { recursive: true });
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      await writeFile(target, await (body.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
      count++;
    }
    token = page.NextContinuationToken;
  } while (token);
  return count;
}

async function* walk(folder: string): AsyncGenerator<string> {
  if (!existsSync(folder)) return;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** Uploads every file of a folder under an S3 prefix. */
export async function uploadFolder(s3: S3Client, folder: string, uri: string): Promise<number> {
  const { bucket, key } = parseS3Uri(uri);
  const prefix = key && !key.endsWith('/') ? `${key}/` : key;
  let count = 0;
  for await (const file of walk(folder)) {
    await uploadFile(s3, file, `s3://${bucket}/${prefix}${relative(folder, file).split('\\').join('/')}`);
    count++;
  }
  return count;
}

export async function uploadFile(s3: S3Client, file: string, uri: string): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  const { size } = await stat(file);
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size }),
  );
}

/** The /opt/ml tree SageMaker gives a training container. */
export async function layOutOptMl(input: TrainingProgramInput, currentInstanceType: string): Promise<void> {
  const config = join(input.workDir, 'input', 'config');
  await mkdir(config, { recursive: true });
  for (const folder of ['model', 'checkpoints', 'output/data', 'input/data'])
    await mkdir(join(input.workDir, folder), { recursive: true });
  const hosts = Array.from({ length: Math.max(1, input.instanceCount) }, (_, i) => `algo-${i + 1}`);
  await writeFile(join(config, 'hyperparameters.json'), JSON.stringify(input.hyperparameters, null, 2));
  await writeFile(
    join(config, 'resourceconfig.json'),
    JSON.stringify(
      {
        current_host: 'algo-1',
        current_instance_type: currentInstanceType,
        current_group_name: 'homogeneousCluster',
        hosts,
        instance_groups: [
          { instance_group_name: 'homogeneousCluster', instance_type: currentInstanceType, hosts },
        ],
        network_interface_name: 'eth0',
      },
      null,
      2,
    ),
  );
  await writeFile(
    join(config, 'inputdataconfig.json'),
    JSON.stringify(
      Object.fromEntries(
        input.channels.map((channel) => [
          channel.name,
          {
            TrainingInputMode: channel.inputMode,
            S3DistributionType: 'FullyReplicated',
            RecordWrapperType: 'None',
          },
        ]),
      ),
      null,
      2,
    ),
  );
}

/** Docker with the NVIDIA runtime, a GPU and the image built locally, else the local Python process (CPU). */
export async function detectRuntime(options: {
  repoRoot: string;
  python: string;
  image: string;
  preferDocker?: boolean;
}): Promise<TrainingRuntime> {
  if (options.preferDocker !== false) {
    try {
      await run('docker', ['info'], { timeout: 10_000 });
      await run('nvidia-smi', ['-L'], { timeout: 10_000 });
      // Built from container/: docker build -t gpu-training-orchestrator:local container/
      await run('docker', ['image', 'inspect', options.image], { timeout: 10_000 });
      return { kind: 'docker', image: options.image };
    } catch {
      // no Docker engine or no GPU: the local process below
    }
  }
  return { kind: 'process', python: options.python, program: join(options.repoRoot, 'container', 'train') };
}

/**
 * Starts the training program against `workDir` (laid out like /opt/ml). On the local process path
 * the job's instance type is a GPU type the machine does not have, so resourceconfig.json says
 * `local`: the program then trains on the CPU instead of failing its GPU check, which is meant for
 * real GPU instances.
 */
export async function startTrainingProgram(
  runtime: TrainingRuntime,
  input: TrainingProgramInput,
): Promise<ChildProcess> {
  await layOutOptMl(input, runtime.kind === 'docker' ? input.instanceType : 'local');
  await mkdir(join(input.workDir, 'logs'), { recursive: true });
  const child =
    runtime.kind === 'docker'
      ? spawn(
          'docker',
          [
            'run',
            '--rm',
            '--gpus',
            'all',
            '--name',
            input.jobName,
            '-v',
            `${input.workDir}:/opt/ml`,
            runtime.image,
            'train',
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        )
      : spawn(runtime.python, [runtime.program], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            SAGEMAKER_BASE_DIR: input.workDir,
            PYTHONUNBUFFERED: '1',
            TRAINING_JOB_NAME: input.jobName,
            SM_CURRENT_INSTANCE_TYPE: input.instanceType,
          },
        });
  const log = createWriteStream(join(input.workDir, 'logs', 'training.log'));
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      input.onLine(line);
    });
  }
  child.once('close', () => log.end());
  return child;
}

export async function readFailureFile(workDir: string): Promise<string | undefined> {
  const path = join(workDir, 'output', 'failure');
  if (!existsSync(path)) return undefined;
  return (await readFile(path, 'utf8')).trim().slice(0, 1024) || undefined;
}

/** model.tar.gz of the model folder, as SageMaker packs it. */
export async function packModel(workDir: string): Promise<string> {
  const tarball = join(workDir, 'output', 'model.tar.gz');
  await mkdir(dirname(tarball), { recursive: true });
  // pigz (parallel gzip) where installed: the model's weights barely compress and gzip is single-threaded.
  const gzip = await run('sh', ['-c', 'command -v pigz']).then(
    () => ['-I', 'pigz -1'],
    () => ['-z'],
  );
  await run('tar', ['-c', ...gzip, '-f', tarball, '-C', join(workDir, 'model'), '.']);
  return tarball;
}

export async function removeInputData(workDir: string): Promise<void> {
  for (const path of [join('input', 'data'), 'checkpoints', join('output', 'model.tar.gz')])
    await rm(join(workDir, path), { recursive: true, force: true });
}
