/**
 * Prod only: an AWS Backup plan for every table — daily backups kept 35 days and monthly ones kept
 * a year — on top of the tables' point-in-time recovery (35 days, to the second). The vault is
 * retained with the stack's data.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export class TableBackup extends Construct {
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: { stage: string; tables: dynamodb.ITable[] }) {
    super(scope, id);
    const vault = new backup.BackupVault(this, 'Vault', { backupVaultName: `foreman-${props.stage}`, removalPolicy: RemovalPolicy.RETAIN });
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `foreman-${props.stage}-tables`,
      backupVault: vault,
      backupPlanRules: [backup.BackupPlanRule.daily(), backup.BackupPlanRule.monthly1Year()],
    });
    this.plan.addSelection('Tables', { resources: props.tables.map((t) => backup.BackupResource.fromDynamoDbTable(t)) });
  }
}
