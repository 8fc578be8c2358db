import { RemovalPolicy, aws_redshiftserverless as redshiftserverless } from 'aws-cdk-lib';
import { Construct, IDependable } from 'constructs';

/** Properties of {@link WarehouseWorkgroup}. */
export interface WarehouseWorkgroupProps {
  readonly workgroupName: string;
  /** The namespace whose data this workgroup serves; the workgroup is created after it and deleted before it. */
  readonly namespace: redshiftserverless.CfnNamespace;
  /** Base capacity in RPUs, already validated (see `isValidBaseCapacity`). */
  readonly baseCapacity: number;
  /**
   * Cost ceiling in RPUs.
   * @default - Redshift's default ceiling
   */
  readonly maxCapacity?: number;
  readonly port: number;
  /** One subnet in each of three availability zones. */
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /**
   * Whether the endpoint gets a public address. Only useful together with an ingress rule.
   * @default false
   */
  readonly publiclyAccessible?: boolean;
  /**
   * The VPC's internet connectivity (gateway attachment and routes). The workgroup is created after it
   * and deleted before it, as CDK's own public constructs are: otherwise destroy can detach the gateway
   * while the endpoint still holds a public address ("has some mapped public address(es)").
   */
  readonly internetConnectivity: IDependable;
}

/** The Redshift Serverless workgroup: compute, capacity limits and the network endpoint. */
export class WarehouseWorkgroup extends Construct {
  readonly workgroup: redshiftserverless.CfnWorkgroup;

  constructor(scope: Construct, id: string, props: WarehouseWorkgroupProps) {
    super(scope, id);

    this.workgroup = new redshiftserverless.CfnWorkgroup(this, 'Workgroup', {
      workgroupName: props.workgroupName,
      namespaceName: props.namespace.namespaceName,
      baseCapacity: props.baseCapacity,
      maxCapacity: props.maxCapacity,
      port: props.port,
      subnetIds: props.subnetIds,
      securityGroupIds: props.securityGroupIds,
      publiclyAccessible: props.publiclyAccessible ?? false,
      enhancedVpcRouting: false,
      configParameters: [
        // useractivitylog is only written when this parameter is on.
        { parameterKey: 'enable_user_activity_logging', parameterValue: 'true' },
        { parameterKey: 'require_ssl', parameterValue: 'true' },
      ],
    });
    this.workgroup.applyRemovalPolicy(RemovalPolicy.DESTROY);
    // `namespaceName` is a plain string, not a reference, so CloudFormation would not otherwise know the
    // order: create the namespace first, delete the workgroup first.
    this.workgroup.addResourceDependency(props.namespace, 'the workgroup names the namespace by a plain string');
    // Always, not only when public: publiclyAccessible can be switched on in a later update.
    this.workgroup.node.addDependency(props.internetConnectivity);
  }
}
