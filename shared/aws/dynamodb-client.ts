import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One DynamoDB client per process (the notifier's idempotency records). */
export const dynamoDbClient = new DynamoDBClient({});
