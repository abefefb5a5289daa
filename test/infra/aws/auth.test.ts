/**
 * Sign-in in AWS: the Cognito user pool as the API's default mode, its groups and app clients,
 * and the API's protective settings (depth and resolver-count limits, introspection).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { USER_GROUPS } from '../../../infra/aws/auth';
import type { ForemanStack } from '../../../infra/aws/stack';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../../infra/limits';
import { completedRealWiring, synth, type Synthesised } from './fixtures';

// A synthesis inside a test takes seconds alone and over a minute on two cores shared with the
// integration tests' JVMs: give these tests the hooks' room.
vi.setConfig({ testTimeout: 180_000 });

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

let s: Pick<Synthesised, 'wiring' | 'code'>;
let template: Template;
let stack: ForemanStack;
let resources: Resources;

beforeAll(async () => {
  // GIVEN the real wiring WHEN synthesised for dev (no Lambda bundling: not looked at here)
  s = await completedRealWiring();
  ({ template, stack } = synth({ wiring: s.wiring, code: s.code }, 'Auth', { bundleLambdas: false }));
  resources = template.toJSON().Resources as Resources;
}, 240_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const logicalIdOf = (c: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(c.node.defaultChild as import('aws-cdk-lib').CfnElement);

describe('the user pool', () => {
  it('is the only one, admits no self sign-up, and requires a strong password', () => {
    expect(ofType('AWS::Cognito::UserPool')).toHaveLength(1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      // only administrators create users
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      Policies: {
        PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
      },
      // e-mail is an attribute people sign in with, and it is required
      AliasAttributes: Match.arrayWith(['email']),
      Schema: Match.arrayWith([Match.objectLike({ Name: 'email', Required: true })]),
    });
  });

  it('has exactly the groups admins, importers and viewers', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties);
    expect(groups.map((g) => g.GroupName).sort()).toEqual(['admins', 'importers', 'viewers']);
    expect(USER_GROUPS.map((g) => g.name).sort()).toEqual(['admins', 'importers', 'viewers']);
    // all in the stack's pool
    for (const g of groups) expect(g.UserPoolId).toEqual({ Ref: logicalIdOf(stack.auth.userPool) });
  });

  it('has two public app clients, web and CLI: no secret, password + SRP + refresh, short tokens, no OAuth', () => {
    const clients = ofType('AWS::Cognito::UserPoolClient').map(([, r]) => r.Properties);
    expect(clients.map((c) => c.ClientName).sort()).toEqual(['foreman-cli', 'foreman-web']);
    for (const c of clients) {
      // a browser or a CLI cannot keep a secret
      expect(c.GenerateSecret).toBe(false);
      expect([...(c.ExplicitAuthFlows as string[])].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']);
      // ID/access tokens one hour, refresh 30 days (in minutes)
      expect(c).toMatchObject({ IdTokenValidity: 60, AccessTokenValidity: 60, RefreshTokenValidity: 30 * 24 * 60, TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' } });
      expect(c.AllowedOAuthFlowsUserPoolClient).toBe(false);
      expect(c.PreventUserExistenceErrors).toBe('ENABLED');
    }
  });
});

describe('the API settings', () => {
  it(`limits query depth to ${QUERY_DEPTH_LIMIT} and resolvers per request to ${RESOLVER_COUNT_LIMIT}, as the local stack does`, () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', { QueryDepthLimit: QUERY_DEPTH_LIMIT, ResolverCountLimit: RESOLVER_COUNT_LIMIT });
  });

  it('keeps introspection on in dev (the prod stage turns it off: prod.test.ts)', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', { IntrospectionConfig: 'ENABLED' });
  });

  it('refuses limits outside the ranges AppSync accepts', () => {
    expect(() => synth({ wiring: s.wiring, code: s.code, queryDepthLimit: 76 }, 'Deep', { bundleLambdas: false })).toThrow(/queryDepthLimit must be a whole number from 1 to 75/);
    expect(() => synth({ wiring: s.wiring, code: s.code, resolverCountLimit: 0 }, 'Few', { bundleLambdas: false })).toThrow(/resolverCountLimit/);
  });
});
