/**
 * The Data API's errors as the local endpoint sends them: AWS JSON 1.1's `{"__type", "message"}` body with
 * the HTTP status the service model gives each type (400, or 404 for ResourceNotFoundException, 500 for
 * the server-side ones), plus the type's own members (ResourceId, StatementId).
 */
export class DataApiException extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
    readonly members: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get body(): Record<string, string> {
    return { __type: this.type, message: this.message, ...this.members };
  }
}

export const validation = (message: string) => new DataApiException('ValidationException', message, 400);

export const notFound = (message: string, resourceId: string) =>
  new DataApiException('ResourceNotFoundException', message, 404, { ResourceId: resourceId });
