import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * Packages the stack offline (no AWS credentials, no network) into a temporary folder and asserts on the
 * CloudFormation template that a deploy would send.
 */
type Resource = { Type: string; Condition?: string; Properties: Record<string, any> };
type Statement = {
  Sid?: string;
  Effect: string;
  Action: string[] | string | Record<string, unknown>;
  Resource: unknown;
  Condition?: any;
};

let dir: string;
let resources: Record<string, Resource>;
let templateText: string;

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/gpu-training-orchestrator/resnet-trainer:abc1234';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gto-package-'));
  execFileSync('npx', ['osls', 'package', '--package', dir, `--param=trainingImageUri=${IMAGE}`], {
    // No credentials of any kind: packaging must need neither AWS nor the network.
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_'))),
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_CONFIG_FILE: '/nonexistent',
      SLS_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
  templateText = readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8');
  resources = JSON.parse(templateText).Resources;
});
after(() => rmSync(dir, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** A role's statements, with conditional ones (Fn::If [condition, statement, AWS::NoValue]) unwrapped. */
const statementsOf = (roleId: string): Statement[] =>
  (resources[roleId]?.Properties.Policies ?? [])
    .flatMap((p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement)
    .map((s: unknown) => {
      const conditional = (s as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If'];
      return conditional ? { ...conditional[1], onlyIf: conditional[0] } : s;
    }) as Statement[];
const bySid = (roleId: string, sid: string): Statement => {
  const found = statementsOf(roleId).find((s) => s.Sid === sid);
  assert.ok(found, `${roleId} has no statement ${sid}`);
  return found;
};
const subOf = (value: unknown): string => (value as { 'Fn::Sub': string })['Fn::Sub'];

const FUNCTIONS = [
  'StartTraining',
  'ScheduledRetraining',
  'RelaunchTraining',
  'RetryTraining',
  'RegisterModel',
  'NotifySlack',
];

describe('packaged CloudFormation template', () => {
  it('packages every function individually on a supported Node.js runtime', () => {
    for (const name of FUNCTIONS) {
      const fn = resources[`${name}LambdaFunction`];
      assert.ok(fn, name);
      assert.equal(fn.Properties.Runtime, 'nodejs22.x');
      assert.equal(fn.Properties.Architectures[0], 'arm64');
      const zip = join(dir, `${name[0]?.toLowerCase()}${name.slice(1)}.zip`);
      assert.ok(existsSync(zip), zip);
    }
    assert.equal(resources.StartTrainingLambdaFunction?.Properties.ReservedConcurrentExecutions, 10);
  });

  it('gives every function bounded async retries and a dead-letter destination', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig');
    assert.equal(configs.length, FUNCTIONS.length);
    for (const [, config] of configs) {
      assert.equal(config.Properties.MaximumRetryAttempts, 2);
      assert.equal(config.Properties.MaximumEventAgeInSeconds, 3600);
      assert.deepEqual(config.Properties.DestinationConfig.OnFailure.Destination, {
        'Fn::GetAtt': ['DeadLetterQueue', 'Arn'],
      });
    }
  });

  it('routes events through rules that filter on source, type, job-name prefix and status, each with retries and a DLQ', () => {
    const rules = Object.fromEntries(
      ofType('AWS::Events::Rule')
        .filter(([, rule]) => rule.Properties.EventPattern)
        .map(([, rule]) => [JSON.stringify(rule.Properties.Targets[0].Arn), rule.Properties]),
    );
    const patternFor = (fn: string) =>
      rules[JSON.stringify({ 'Fn::GetAtt': [`${fn}LambdaFunction`, 'Arn'] })];
    assert.deepEqual(patternFor('StartTraining')?.EventPattern, {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: [{ 'Fn::If': ['CreateDatasetsBucket', { Ref: 'DatasetsBucket' }, ''] }] },
        object: { key: [{ suffix: '/manifest.json' }] },
      },
    });
    assert.deepEqual(patternFor('RetryTraining')?.EventPattern, {
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Training Job State Change'],
      detail: { TrainingJobName: [{ prefix: 'gto-' }], TrainingJobStatus: ['Failed', 'Stopped'] },
    });
    assert.deepEqual(patternFor('RegisterModel')?.EventPattern, {
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Training Job State Change'],
      detail: { TrainingJobName: [{ prefix: 'gto-' }], TrainingJobStatus: ['Completed'] },
    });
    const notify = patternFor('NotifySlack');
    assert.deepEqual(notify?.EventPattern.source, ['gpu-training-orchestrator']);
    assert.equal(notify?.EventBusName['Fn::GetAtt'][0], 'OrchestratorEventBus');
    for (const rule of Object.values(rules)) {
      assert.deepEqual(rule.Targets[0].RetryPolicy, {
        MaximumEventAgeInSeconds: 3600,
        MaximumRetryAttempts: 10,
      });
      assert.deepEqual(rule.Targets[0].DeadLetterConfig, {
        Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
      });
    }
    const schedule = resources.ScheduledRetrainRule;
    assert.equal(schedule?.Condition, 'ScheduleEnabled');
    assert.ok(schedule?.Properties.Targets[0].DeadLetterConfig);
  });

  it('scopes CreateTrainingJob to the job-name prefix and the GPU ladder, and PassRole to the execution role', () => {
    for (const role of ['LauncherRole', 'RetryRole']) {
      const create = bySid(role, 'CreateGpuTrainingJobs');
      assert.deepEqual(create.Action, ['sagemaker:CreateTrainingJob']);
      assert.equal(
        subOf(create.Resource),
        'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/gto-*',
      );
      assert.deepEqual(create.Condition, {
        'ForAllValues:StringEquals': {
          'sagemaker:InstanceTypes': {
            'Fn::Split': [',', 'ml.g5.2xlarge,ml.g5.4xlarge,ml.g4dn.2xlarge,ml.p3.2xlarge'],
          },
        },
      });
      const pass = bySid(role, 'PassOnlyTheExecutionRoleToSageMaker');
      assert.deepEqual(pass.Action, ['iam:PassRole']);
      assert.deepEqual(pass.Resource, {
        'Fn::If': ['CreateSageMakerRole', { 'Fn::GetAtt': ['SageMakerExecutionRole', 'Arn'] }, ''],
      });
      assert.deepEqual(pass.Condition, {
        StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
      });
      assert.deepEqual(bySid(role, 'PublishOrchestratorEvents').Resource, {
        'Fn::GetAtt': ['OrchestratorEventBus', 'Arn'],
      });
    }
    assert.deepEqual(bySid('LauncherRole', 'DescribeOwnTrainingJobs').Action, [
      'sagemaker:DescribeTrainingJob',
      'sagemaker:ListTags',
    ]);
    assert.deepEqual(bySid('LauncherRole', 'TagOwnTrainingJobs').Action, ['sagemaker:AddTags']);
    assert.equal(
      subOf(bySid('LauncherRole', 'DescribeOwnTrainingJobs').Resource),
      'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/gto-*',
    );
    assert.equal(
      subOf(bySid('RegisterRole', 'ReadOwnTrainingJobs').Resource),
      'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/gto-*',
    );
    assert.deepEqual(bySid('LauncherRole', 'ListDatasetVersions').Condition, {
      StringLike: { 's3:prefix': 'datasets/*' },
    });
  });

  it('registers models only in the one group and reads only the one webhook secret', () => {
    const register = bySid('RegisterRole', 'RegisterInOneGroup');
    assert.deepEqual(register.Action, ['sagemaker:CreateModelPackage']);
    assert.deepEqual((register.Resource as unknown[]).map(subOf), [
      'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package-group/gpu-training-orchestrator-dev-models',
      'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/gpu-training-orchestrator-dev-models/*',
    ]);
    const secret = bySid('NotifyRole', 'ReadTheWebhookSecret');
    assert.deepEqual(secret.Action, ['ssm:GetParameter']);
    assert.deepEqual(secret.Resource, {
      'Fn::If': [
        'WebhookInSecretsManager',
        {
          'Fn::Sub':
            'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/aws/reference/secretsmanager//gpu-training-orchestrator/slack-webhook-url',
        },
        {
          'Fn::Sub':
            'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/gpu-training-orchestrator/slack-webhook-url',
        },
      ],
    });
    const referenced = bySid('NotifyRole', 'ReadTheReferencedSecret') as Statement & { onlyIf: string };
    assert.equal(referenced.onlyIf, 'WebhookInSecretsManager');
    assert.deepEqual(referenced.Action, ['secretsmanager:GetSecretValue']);
    assert.equal(referenced.Resource, '/gpu-training-orchestrator/slack-webhook-url');
    assert.deepEqual(bySid('NotifyRole', 'DeduplicateNotifications').Resource, {
      'Fn::GetAtt': ['IdempotencyTable', 'Arn'],
    });
  });

  it('uses no wildcard actions, and a wildcard resource only where the action has no resource scope', () => {
    const allowedStar = new Set([
      'sagemaker:ListTrainingJobs',
      'ecr:GetAuthorizationToken',
      'cloudwatch:PutMetricData',
      // Only with VPC settings: SageMaker's network interfaces, which have no resource scope.
      'ec2:CreateNetworkInterface',
      'ec2:CreateNetworkInterfacePermission',
      'ec2:DeleteNetworkInterface',
      'ec2:DeleteNetworkInterfacePermission',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeVpcs',
      'ec2:DescribeDhcpOptions',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
    ]);
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      for (const statement of statementsOf(id)) {
        const actions = Array.isArray(statement.Action)
          ? statement.Action
          : typeof statement.Action === 'string'
            ? [statement.Action]
            : [];
        for (const action of actions) assert.ok(!action.includes('*'), `${id} ${statement.Sid}: ${action}`);
        if (statement.Resource === '*')
          for (const action of actions)
            assert.ok(allowedStar.has(action), `${id} ${statement.Sid}: ${action} on *`);
      }
      assert.ok(role.Properties.AssumeRolePolicyDocument);
    }
  });

  it('grants the KMS key to every role that touches encrypted data, and VPC access only with VPC settings', () => {
    const kms = (role: string, sid: string) => bySid(role, sid) as Statement & { onlyIf: string };
    for (const [role, sid, actions] of [
      ['LauncherRole', 'DecryptManifests', ['kms:Decrypt']],
      ['RegisterRole', 'EncryptMetricsReport', ['kms:GenerateDataKey', 'kms:Decrypt']],
      [
        'SageMakerExecutionRole',
        'UseTheKmsKey',
        ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:DescribeKey'],
      ],
    ] as const) {
      assert.equal(kms(role, sid).onlyIf, 'HasKmsKey');
      assert.deepEqual(kms(role, sid).Action, actions);
      assert.equal(kms(role, sid).Resource, '');
    }
    assert.equal(
      (bySid('SageMakerExecutionRole', 'TrainInTheVpc') as Statement & { onlyIf: string }).onlyIf,
      'HasVpc',
    );
  });

  it('has no dependency cycle between resources (CloudFormation would refuse to deploy)', () => {
    const names = new Set(Object.keys(resources));
    const dependsOn = (value: unknown, found: Set<string>): Set<string> => {
      if (Array.isArray(value)) for (const item of value) dependsOn(item, found);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'Ref' && typeof inner === 'string' && names.has(inner)) found.add(inner);
          else if (key === 'Fn::GetAtt')
            found.add(Array.isArray(inner) ? String(inner[0]) : (String(inner).split('.')[0] ?? ''));
          else if (key === 'Fn::Sub') {
            const text = Array.isArray(inner) ? String(inner[0]) : String(inner);
            for (const [, ref] of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z.]+)?\}/g))
              if (ref && names.has(ref)) found.add(ref);
            if (Array.isArray(inner)) dependsOn(inner[1], found);
          } else dependsOn(inner, found);
        }
      }
      return found;
    };
    const edges = new Map<string, Set<string>>();
    for (const [id, resource] of Object.entries(resources)) {
      const found = dependsOn((resource as { Properties?: unknown }).Properties, new Set());
      for (const explicit of [(resource as { DependsOn?: string | string[] }).DependsOn ?? []].flat())
        found.add(explicit);
      edges.set(id, found);
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, path: string[]): void => {
      if (state.get(id) === 'done') return;
      assert.notEqual(state.get(id), 'visiting', `cycle: ${[...path, id].join(' -> ')}`);
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) if (names.has(next)) visit(next, [...path, id]);
      state.set(id, 'done');
    };
    for (const id of names) visit(id, []);
  });

  it('keeps both buckets private, encrypted, versioned and TLS-only; the datasets bucket notifies EventBridge', () => {
    for (const id of ['DatasetsBucket', 'ArtifactsBucket']) {
      const bucket = resources[id]?.Properties;
      assert.ok(bucket);
      assert.deepEqual(bucket.PublicAccessBlockConfiguration, {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      assert.ok(
        bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
          .SSEAlgorithm,
      );
      assert.deepEqual(bucket.VersioningConfiguration, { Status: 'Enabled' });
      const policy = resources[`${id}Policy`]?.Properties.PolicyDocument.Statement[0];
      assert.equal(policy.Effect, 'Deny');
      assert.deepEqual(policy.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
    }
    assert.deepEqual(resources.DatasetsBucket?.Properties.NotificationConfiguration, {
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    assert.equal(resources.DatasetsBucket?.Condition, 'CreateDatasetsBucket');
  });

  it('contains no secret and no webhook URL; the functions get only the parameter name', () => {
    assert.doesNotMatch(templateText, /hooks\.slack\.com/);
    assert.doesNotMatch(templateText, /AKIA[0-9A-Z]{16}/);
    assert.doesNotMatch(templateText, /xox[abpr]-/);
    const env = resources.NotifySlackLambdaFunction?.Properties.Environment.Variables;
    assert.equal(env.SLACK_WEBHOOK_PARAMETER, '/gpu-training-orchestrator/slack-webhook-url');
    for (const key of Object.keys(env)) assert.doesNotMatch(key, /SECRET|TOKEN|PASSWORD|WEBHOOK_URL/);
    assert.equal(env.TRAINING_IMAGE_URI, IMAGE);
  });
});
