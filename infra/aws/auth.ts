/**
 * Who signs in, in AWS: the Cognito user pool that is the AppSync API's default authorization
 * mode, its three groups, and one app client each for the web page and the CLI (`foreman login`).
 * Machines (the S3 processor, csv-import, operators) use IAM, the API's additional mode.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { USER_GROUPS, type UserGroup } from '../groups';

export { USER_GROUPS, type UserGroup } from '../groups';

/**
 * Token lifetimes of both clients. ID and access tokens are what AppSync checks on every call, so
 * they stay short; the refresh token keeps a session (the web page, a `foreman login`) alive.
 */
export const TOKEN_VALIDITY = {
  idToken: Duration.hours(1),
  accessToken: Duration.hours(1),
  refreshToken: Duration.days(30),
} as const;

export interface ForemanUserPoolProps {
  /** prod keeps the pool (deletion protection, RETAIN); dev destroys it with the stack. */
  prod: boolean;
}

export class ForemanUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly webClient: cognito.UserPoolClient;
  readonly cliClient: cognito.UserPoolClient;
  readonly groups: Record<UserGroup, cognito.UserPoolGroup>;

  constructor(scope: Construct, id: string, props: ForemanUserPoolProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Administrators add people (`aws cognito-idp admin-create-user`, README); nobody signs up alone.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // TOTP costs nothing extra; SMS would. Threat protection needs the Plus plan (billed per
      // monthly active user), so it is left off: docs/security.md says how to turn it on.
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.prod,
      removalPolicy: props.prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const groups = {} as Record<UserGroup, cognito.UserPoolGroup>;
    USER_GROUPS.forEach((g, precedence) => {
      groups[g.name] = new cognito.UserPoolGroup(this, `Group_${g.name}`, { userPool: this.userPool, groupName: g.name, description: g.description, precedence });
    });
    this.groups = groups;

    // Public clients (a browser page, a CLI): no secret, which they could not keep. Password and SRP
    // sign-in; the refresh-token flow is added by the CDK. No hosted UI / OAuth flows.
    const client = (clientId: string, name: string): cognito.UserPoolClient =>
      this.userPool.addClient(clientId, {
        userPoolClientName: name,
        generateSecret: false,
        authFlows: { userPassword: true, userSrp: true },
        disableOAuth: true,
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        idTokenValidity: TOKEN_VALIDITY.idToken,
        accessTokenValidity: TOKEN_VALIDITY.accessToken,
        refreshTokenValidity: TOKEN_VALIDITY.refreshToken,
      });
    this.webClient = client('WebClient', 'foreman-web');
    this.cliClient = client('CliClient', 'foreman-cli');
  }
}
