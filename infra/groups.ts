/**
 * The user groups the schema's `@aws_cognito_user_pools(cognito_groups: …)` directives name (names
 * exact). Apart from infra/aws/auth.ts so the local stack and the CLI read them without the CDK.
 */
export const USER_GROUPS = [
  { name: 'admins', description: 'Everything: delete customers and projects, fail or read any ingestion' },
  { name: 'importers', description: 'Start, run and watch their own ingestions; create and update customers and projects' },
  { name: 'viewers', description: 'Read customers, projects and their own ingestions' },
] as const;

export type UserGroup = (typeof USER_GROUPS)[number]['name'];

export const USER_GROUP_NAMES: readonly UserGroup[] = USER_GROUPS.map((g) => g.name);

export function isUserGroup(name: string): name is UserGroup {
  return (USER_GROUP_NAMES as readonly string[]).includes(name);
}
