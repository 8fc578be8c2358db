import { Fn, Validations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';

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
   * The three availability zones for the subnets.
   * @default - the first three zones of the deploy region, resolved by CloudFormation (`Fn::GetAZs`)
   */
  readonly availabilityZones?: readonly string[];
}

/**
 * The warehouse's own VPC and its security group.
 *
 * Redshift Serverless needs subnets in three availability zones. The subnets are public (routed to an
 * internet gateway) so that `publiclyAccessible` can be switched on in place when an operator CIDR is
 * given; nothing in them gets a public address unless Redshift assigns one to a publicly accessible
 * workgroup. There is no NAT gateway (no idle cost): COPY reads S3 through Redshift's own network, and the
 * Data API needs no network path into the VPC at all.
 */
export class WarehouseNetwork extends Construct {
  /** Number of availability zones Redshift Serverless requires. */
  static readonly ZONE_COUNT = 3;

  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
  /** True when an ingress CIDR was given, i.e. when the workgroup should be publicly accessible. */
  readonly hasIngress: boolean;

  constructor(scope: Construct, id: string, props: WarehouseNetworkProps) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'),
      // An environment-agnostic stack would otherwise get only two zones; these tokens resolve to the
      // region's first three zones at deploy time.
      availabilityZones: props.availabilityZones
        ? [...props.availabilityZones]
        : Array.from({ length: WarehouseNetwork.ZONE_COUNT }, (_, i) => Fn.select(i, Fn.getAzs())),
      natGateways: 0,
      subnetConfiguration: [
        // /22 leaves ~1,000 free addresses per zone; Redshift Serverless needs up to a few hundred at
        // the largest base capacities ("Free IP address requirements").
        { name: 'Warehouse', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 22, mapPublicIpOnLaunch: false },
      ],
    });
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

  /** Subnet ids for the workgroup: one per availability zone. */
  get subnetIds(): string[] {
    return this.vpc.publicSubnets.map((subnet) => subnet.subnetId);
  }
}
