/**
 * DynamoDB stream records as a Lambda stream event holds them (view NEW_AND_OLD_IMAGES), for the unit tests of the
 * stream-triggered handlers. Sequence numbers increase across the process, as one shard's do. Tests only.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

let seq = 0;

/** The next sequence number (21 digits, as DynamoDB Streams writes them). */
export const nextSequenceNumber = (): string => String(++seq).padStart(21, '0');

/** A record of `eventName` with these images (plain items, marshalled here). */
export const streamRecord = (eventName: 'INSERT' | 'MODIFY', oldImage: object | undefined, newImage: object): DynamoDBRecord => ({
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: {
    SequenceNumber: nextSequenceNumber(),
    StreamViewType: 'NEW_AND_OLD_IMAGES',
    ...(oldImage ? { OldImage: marshall(oldImage) as never } : {}),
    NewImage: marshall(newImage) as never,
  },
});
