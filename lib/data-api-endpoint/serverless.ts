/**
 * The Redshift Serverless operations the ETL's preflight reads (lib/warehouse/redshift/preflight.ts),
 * served on the Data API endpoint's port for target prefix `RedshiftServerless.`: GetWorkgroup and
 * GetNamespace, for the one workgroup and namespace the endpoint plays. Pointing
 * AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS (or AWS_ENDPOINT_URL) at the endpoint runs the preflight offline.
 */
import { DataApiException, validation } from './exceptions';

/** The role the endpoint's namespace has attached, and as its default, unless told otherwise. */
export const LOCAL_COPY_ROLE = 'arn:aws:iam::000000000000:role/sparkify-local-copy';

export interface ServerlessOptions {
  readonly workgroupName: string;
  readonly database: string;
  /** @default 'sparkify' */
  readonly namespaceName?: string;
  /** Role ARNs attached to the namespace. @default [LOCAL_COPY_ROLE] */
  readonly iamRoles?: readonly string[];
  /** The namespace's default role; null for none. @default LOCAL_COPY_ROLE */
  readonly defaultIamRoleArn?: string | null;
  /**
   * Statuses GetWorkgroup reports, one per call, before AVAILABLE: ['MODIFYING'] plays a workgroup being
   * changed. A status not followed by others stays (['DELETING'] is always DELETING).
   * @default none: AVAILABLE
   */
  readonly workgroupStatuses?: readonly string[];
}

type Input = Record<string, unknown>;

export class ServerlessApi {
  readonly #options: ServerlessOptions;
  #statusCalls = 0;

  constructor(options: ServerlessOptions) {
    this.#options = options;
  }

  get namespaceName(): string {
    return this.#options.namespaceName ?? 'sparkify';
  }

  readonly handlers: Readonly<Record<string, (input: Input) => unknown>> = {
    GetWorkgroup: (input) => this.#getWorkgroup(input),
    GetNamespace: (input) => this.#getNamespace(input),
  };

  #getWorkgroup(input: Input) {
    const name = input['workgroupName'];
    if (typeof name !== 'string' || name === '') throw validation('workgroupName is required.');
    if (name !== this.#options.workgroupName) throw notFound(`Workgroup ${name} not found.`);
    const statuses = this.#options.workgroupStatuses ?? [];
    const call = this.#statusCalls++;
    const last = statuses[statuses.length - 1];
    const status = call < statuses.length ? statuses[call]! : last === undefined || last === 'CREATING' || last === 'MODIFYING' ? 'AVAILABLE' : last;
    return {
      workgroup: {
        workgroupName: name,
        workgroupId: '00000000-0000-4000-8000-000000000000',
        workgroupArn: `arn:aws:redshift-serverless:us-west-2:000000000000:workgroup/00000000-0000-4000-8000-000000000000`,
        namespaceName: this.namespaceName,
        status,
        baseCapacity: 8,
        publiclyAccessible: false,
        endpoint: { address: '127.0.0.1', port: 5439 },
      },
    };
  }

  #getNamespace(input: Input) {
    const name = input['namespaceName'];
    if (typeof name !== 'string' || name === '') throw validation('namespaceName is required.');
    if (name !== this.namespaceName) throw notFound(`Namespace ${name} not found.`);
    const roles = this.#options.iamRoles ?? [LOCAL_COPY_ROLE];
    const defaultRole = this.#options.defaultIamRoleArn === undefined ? LOCAL_COPY_ROLE : this.#options.defaultIamRoleArn;
    return {
      namespace: {
        namespaceName: name,
        namespaceId: '00000000-0000-4000-8000-000000000001',
        namespaceArn: 'arn:aws:redshift-serverless:us-west-2:000000000000:namespace/00000000-0000-4000-8000-000000000001',
        dbName: this.#options.database,
        // The service's own odd form: each role as a string "IamRole(applyStatus=in-sync, iamRoleArn=…)".
        iamRoles: roles.map((arn) => `IamRole(applyStatus=in-sync, iamRoleArn=${arn})`),
        ...(defaultRole === null ? {} : { defaultIamRoleArn: defaultRole }),
        status: 'AVAILABLE',
      },
    };
  }
}

function notFound(message: string): DataApiException {
  return new DataApiException('ResourceNotFoundException', message, 400);
}
