import { Logical } from './names';

/**
 * The operators' Cognito user pool: its ID tokens authorise `POST /v1/tenants` (owner = `sub`).
 * Self sign-up is off: an administrator creates each operator (README, "Deploy to AWS"). Operators sign in with SRP
 * (the password never leaves their machine; no USER_PASSWORD_AUTH) and may add a TOTP authenticator app (MFA).
 */
export const cognitoResources = (stage: string) => ({
  [Logical.userPool]: {
    Type: 'AWS::Cognito::UserPool',
    Properties: {
      UserPoolName: `punctual-${stage}-operators`,
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      // Optional TOTP: an operator who enrols an authenticator app is asked for its code at every sign-in.
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: false },
      },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    },
  },
  [Logical.userPoolClient]: {
    Type: 'AWS::Cognito::UserPoolClient',
    Properties: {
      ClientName: `punctual-${stage}-cli`,
      UserPoolId: { Ref: Logical.userPool },
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      IdTokenValidity: 60,
      TokenValidityUnits: { IdToken: 'minutes' },
    },
  },
});
