/**
 * The KMS key that wraps the data keys sealing apps' secrets (libs/secrets/kms.ts). Its policy lets the account's
 * IAM policies grant use of it; each function's role grants only what it needs (infra/iam.ts: `GenerateDataKey` to
 * the routes that seal, `Decrypt` to the deliver function, both bound to the purpose in the encryption context).
 * Kept when the stack is removed, like the table: without it the stored secrets cannot be opened.
 */
import { Logical, service } from './names';

export const secretsKeyResources = (stage: string) => ({
  [Logical.secretsKey]: {
    Type: 'AWS::KMS::Key',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      Description: `${service}-${stage}: wraps the data keys that seal apps' signing secrets and header values`,
      EnableKeyRotation: true,
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountIamPolicies',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root` } },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      },
    },
  },
  [Logical.secretsKeyAlias]: {
    Type: 'AWS::KMS::Alias',
    Properties: { AliasName: `alias/${service}-${stage}-app-secrets`, TargetKeyId: { Ref: Logical.secretsKey } },
  },
});
