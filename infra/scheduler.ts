import { wakeFunctionArn } from './engine';
import { Logical } from './names';

/**
 * The EventBridge Scheduler group that holds the engine's minute-bucket `at()` schedules, and the
 * role Scheduler assumes to deliver them: it may only invoke the wake function and, for a wake-up it
 * could not deliver, send to the dead-letter queue.
 */
export const schedulerResources = (stage: string) => ({
  [Logical.scheduleGroup]: {
    Type: 'AWS::Scheduler::ScheduleGroup',
    Properties: { Name: `punctual-${stage}` },
  },
  [Logical.schedulerRole]: {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
      Policies: [
        {
          PolicyName: 'invoke-wake-function',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [wakeFunctionArn(stage)] },
              { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [Logical.deliveryDlq, 'Arn'] }] },
            ],
          },
        },
      ],
    },
  },
});
