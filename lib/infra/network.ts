import { CfnResource, RemovalPolicy, Stack, Validations, aws_ec2 as ec2, aws_logs as logs } from 'aws-cdk-lib';
import { Construct, DependencyGroup } from 'constructs';

/** Properties of {@link WarehouseNetwork}. */
export interface WarehouseNetworkProps {
  /** Port the workgroup listens on; the only port the ingress rule opens. */
  readonly port: number;
  /**
   * The one CIDR allowed to reach `port`, already validated (see `validateIngressCidr`).
   * @default - no ingress rule at all: the warehouse is reachable only through the Data API
   */
  readonly ingressCidr?: string;
  /**
   * The availability zones for the subnets: three, or two where Redshift Serverless takes three subnets
   * over two zones (us-west-1), already validated (see `zonesFor`).
   */
  readonly availabilityZones: readonly string[];
}

/**
 * The warehouse's own VPC and its security group.
 *
 * Redshift Serverless needs three subnets in three availability zones, or in us-west-1 three subnets over two
 * zones with two in one of them ("Considerations when using Amazon Redshift Serverless"): with two zones the
 * VPC gets two subnets in each (four in all). The subnets are public (routed to an
 * internet gateway) so that `publiclyAccessible` can be switched on in place when an operator CIDR is
 * given; nothing in them gets a public address unless Redshift assigns one to a publicly accessible
 * workgroup. There is no NAT gateway (no idle cost): COPY reads S3 through Redshift's own network, and the
 * Data API needs no network path into the VPC at all.
 */
export class WarehouseNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
  /** True when an ingress CIDR was given, i.e. when the workgroup should be publicly accessible. */
  readonly hasIngress: boolean;
  /**
   * The internet gateway's attachment and each subnet's route to it: what a public address in the VPC
   * needs, and what CDK's own public constructs depend on (the VPC's `internetConnectivityEstablished`
   * holds only the gateway itself).
   */
  readonly internetConnectivity: DependencyGroup;

  constructor(scope: Construct, id: string, props: WarehouseNetworkProps) {
    super(scope, id);

    const twoZones = props.availabilityZones.length === 2;
    // /22 leaves ~1,000 free addresses per subnet; Redshift Serverless needs up to a few hundred at the
    // largest base capacities ("Free IP address requirements").
    const subnet = (name: string): ec2.SubnetConfiguration => ({ name, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 22, mapPublicIpOnLaunch: false });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'),
      availabilityZones: [...props.availabilityZones],
      natGateways: 0,
      subnetConfiguration: twoZones ? [subnet('Warehouse'), subnet('WarehouseSecond')] : [subnet('Warehouse')],
    });
    this.internetConnectivity = new DependencyGroup(
      this.vpc.node.findChild('VPCGW'),
      ...this.vpc.publicSubnets.map((subnet) => subnet.internetConnectivityEstablished),
    );
    this.logRestrictDefaultSecurityGroup();
    Validations.of(this.vpc).acknowledge({
      id: 'AwsSolutions-VPC7',
      reason:
        'No flow logs: the VPC holds only the Redshift Serverless endpoint, whose connections are already ' +
        'audited by the namespace connection log, and flow logs would add a log group and cost to a stack meant to be cheap to leave up.',
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'WorkgroupSecurityGroup', {
      vpc: this.vpc,
      description: 'Redshift Serverless workgroup: ingress only from the operator CIDR on the workgroup port',
      // Outbound stays open as in a default security group: with enhanced VPC routing off nothing of
      // Redshift's leaves through this VPC, and closing it would only break features added later.
      allowAllOutbound: true,
    });
    this.hasIngress = props.ingressCidr !== undefined;
    if (props.ingressCidr !== undefined) {
      this.securityGroup.addIngressRule(
        ec2.Peer.ipv4(props.ingressCidr),
        ec2.Port.tcp(props.port),
        `Operator access to the warehouse port from ${props.ingressCidr}`,
      );
      if (props.ingressCidr === '0.0.0.0/0') {
        // Only reachable with allowPublicIngress=true (see validateIngressCidr).
        Validations.of(this.securityGroup).acknowledge({
          id: 'AwsSolutions-EC23',
          reason: 'The operator deployed with allowPublicIngress=true, explicitly asking for the port to be open to the internet.',
        });
      }
    }
  }

  /**
   * With the recommended flag `@aws-cdk/aws-ec2:restrictDefaultSecurityGroup` (cdk.json), the VPC gets a
   * custom resource that strips the rules of its default security group. CDK's function for it logs to
   * `/aws/lambda/<name>`, which Lambda creates and nothing deletes; point it at a log group of this stack's
   * own, so `cdk destroy` leaves nothing behind.
   */
  private logRestrictDefaultSecurityGroup(): void {
    const provider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const handler = provider?.node.tryFindChild('Handler') as CfnResource | undefined;
    if (!handler) return; // the flag is off
    const logGroup = new logs.LogGroup(this, 'RestrictDefaultSecurityGroupLogs', {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The Ref to the log group is what orders it before the function (and after it on delete).
    handler.addPropertyOverride('LoggingConfig', { LogGroup: logGroup.logGroupName });
  }

  /** Subnet ids for the workgroup: one per availability zone, or two per zone when there are two zones. */
  get subnetIds(): string[] {
    return this.vpc.publicSubnets.map((subnet) => subnet.subnetId);
  }
}
