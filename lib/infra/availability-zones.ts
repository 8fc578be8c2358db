import { Annotations, Fn, Stack, Token } from 'aws-cdk-lib';
import { ConfigError } from '../errors';
import { TWO_ZONE_REGIONS, WarehouseSettings } from './settings';

/** Regions where Redshift Serverless is documented not to support some availability zone IDs. */
const ZONE_ID_CAVEAT_REGIONS: readonly string[] = ['us-east-1'];

/**
 * The availability zones the warehouse's subnets go in, chosen the same way on every synth:
 *
 * 1. the zones the settings name (`availabilityZones`), already validated;
 * 2. else, when the account is known (the CDK CLI sets it from the credentials), the first three of the
 *    account's zones in alphabetical order, from CDK's availability-zone lookup, which the CLI caches in
 *    `cdk.context.json`; a region offering fewer zones than Redshift Serverless needs stops the synth;
 * 3. else (`cdk synth` with no credentials) `Fn::GetAZs`, with a warning: CloudFormation documents that it
 *    returns only zones with a default subnet, in an order that "isn't guaranteed and can change", so such a
 *    template is for reading, not deploying.
 *
 * In us-west-1, where most accounts have two zones, Redshift Serverless takes three subnets over two zones,
 * so two zones are enough there.
 */
export function chooseAvailabilityZones(stack: Stack, settings: WarehouseSettings): string[] {
  if (settings.availabilityZones) return [...settings.availabilityZones];
  const twoWillDo = TWO_ZONE_REGIONS.includes(settings.region);
  if (Token.isUnresolved(stack.account)) {
    Annotations.of(stack).addWarningV2(
      'sparkify:availabilityZonesUnresolved',
      'No AWS account at synth, so the availability zones are left to Fn::GetAZs, whose order CloudFormation does not guarantee. ' +
        '`npx cdk deploy` with credentials looks them up and caches them in cdk.context.json; or set "availabilityZones" in cdk.json.',
    );
    return Array.from({ length: twoWillDo ? 2 : 3 }, (_, i) => Fn.select(i, Fn.getAzs()));
  }
  // The lookup (dummy1a..c on the CLI's first pass, before it fills cdk.context.json).
  const zones = [...stack.availabilityZones].sort();
  if (ZONE_ID_CAVEAT_REGIONS.includes(settings.region)) {
    Annotations.of(stack).addWarningV2(
      'sparkify:zoneIdsUnchecked',
      `Redshift Serverless does not offer every availability zone ID in ${settings.region}, and zone names map to different IDs in each ` +
        'account, so the first three zones of the lookup may include one it refuses (the deploy would then fail on the workgroup). ' +
        `List your zones' IDs with \`aws ec2 describe-availability-zones --region ${settings.region} --query "AvailabilityZones[].[ZoneName,ZoneId]" --output text\`, ` +
        'compare them with the supported zone IDs in "Considerations when using Amazon Redshift Serverless" (Management Guide), and ' +
        'put three supported zones in "availabilityZones" in cdk.json.',
    );
  }
  if (zones.length >= 3) return zones.slice(0, 3);
  if (zones.length === 2 && twoWillDo) return zones;
  throw new ConfigError(
    `Account ${stack.account} has only ${zones.length} availability zone(s) in ${settings.region} (${zones.join(', ')}, ` +
      'from the lookup cached in cdk.context.json), and Redshift Serverless needs subnets in three zones there ' +
      `(two will do only in ${TWO_ZONE_REGIONS.join(', ')}). Deploy to another region with "region" in cdk.json.`,
  );
}

/**
 * The zones as names to record and compare, or `null` when synth does not know them: `Fn::GetAZs` tokens
 * without an account, or CDK's placeholders (`dummy1a`…) on the CLI's first pass before its lookup.
 */
export function knownZones(zones: readonly string[]): readonly string[] | null {
  return zones.some((zone) => Token.isUnresolved(zone) || zone.startsWith('dummy')) ? null : zones;
}
