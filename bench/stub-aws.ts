import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AwsError,
  jsonService,
  listen,
  type RunningServer,
  readBody,
  sendAwsError,
} from '../local/stand-ins/http';

/** What the stub saw; reset between burst runs. */
export interface StubCounts {
  getObject: number;
  createTrainingJob: number;
  jobsCreated: number;
  putEvents: number;
  startedEvents: number;
  other: string[];
}

export interface StubAws extends RunningServer {
  counts: StubCounts;
  reset(): void;
}

const emptyCounts = (): StubCounts => ({
  getObject: 0,
  createTrainingJob: 0,
  jobsCreated: 0,
  putEvents: 0,
  startedEvents: 0,
  other: [],
});

/**
 * One HTTP server standing in for the calls start-training makes: S3 GetObject (path style, ranged) for the
 * manifest, SageMaker CreateTrainingJob (a second job with the same name gets AWS's `ResourceInUse`, JSON 1.1
 * error shape), the Describe/ListTags/AddTags of the announced check, and EventBridge PutEvents. Anything
 * else is counted and refused.
 */
export async function startStubAws(objects: Record<string, string>): Promise<StubAws> {
  let counts = emptyCounts();
  const jobs = new Set<string>();
  const announced = new Set<string>();
  const sagemaker = jsonService('SageMaker', {
    CreateTrainingJob(input) {
      counts.createTrainingJob++;
      const name = String(input.TrainingJobName);
      if (jobs.has(name)) throw new AwsError('ResourceInUse', `Training job ${name} already exists`);
      jobs.add(name);
      counts.jobsCreated++;
      return { TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}` };
    },
    // A duplicate delivery checks whether the job it collided with was announced.
    DescribeTrainingJob(input) {
      const name = String(input.TrainingJobName);
      return {
        TrainingJobName: name,
        TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
        CreationTime: Date.now() / 1000,
      };
    },
    ListTags(input) {
      return {
        Tags: announced.has(String(input.ResourceArn))
          ? [{ Key: 'orchestrator:announced', Value: 'true' }]
          : [],
      };
    },
    AddTags(input) {
      announced.add(String(input.ResourceArn));
      return { Tags: input.Tags };
    },
  });
  const eventBridge = jsonService('AWSEvents', {
    PutEvents(input) {
      counts.putEvents++;
      const entries = (input.Entries as Array<{ DetailType?: string }> | undefined) ?? [];
      counts.startedEvents += entries.filter((entry) => entry.DetailType === 'Training Run Started').length;
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `event-${i}` })) };
    },
  });
  const s3GetObject = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await readBody(req);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://stub').pathname).slice(1);
    const text = objects[path];
    if (req.method !== 'GET' || text === undefined) {
      counts.other.push(`${req.method} ${path}`);
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<Error><Code>NoSuchKey</Code><Message>not in the stub</Message></Error>');
      return;
    }
    counts.getObject++;
    const body = Buffer.from(text);
    res.writeHead(206, {
      'content-type': 'application/json',
      'content-length': body.byteLength,
      'content-range': `bytes 0-${body.byteLength - 1}/${body.byteLength}`,
      etag: '"b1946ac92492d2347c6235b4d2611184"',
    });
    res.end(body);
  };
  const server = await listen(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.startsWith('SageMaker.')) return sagemaker(req, res);
    if (target.startsWith('AWSEvents.')) return eventBridge(req, res);
    if (target) {
      counts.other.push(target);
      await readBody(req);
      return sendAwsError(res, 400, 'UnknownOperationException', `${target} is not stubbed`);
    }
    return s3GetObject(req, res);
  });
  return {
    ...server,
    get counts() {
      return counts;
    },
    reset() {
      counts = emptyCounts();
      jobs.clear();
      announced.clear();
    },
  };
}
