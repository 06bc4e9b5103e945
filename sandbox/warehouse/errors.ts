// Databend-style errors: every failure a client can see carries Databend's numeric code
// (src/common/exception/src/exception_code.rs in databendlabs/databend) and a message.

export class WarehouseError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
    this.name = "WarehouseError";
  }
}

export const Codes = {
  Internal: 1001,
  Unimplemented: 1002,
  UnknownDatabase: 1003,
  SyntaxException: 1005,
  BadArguments: 1006,
  IllegalDataType: 1007,
  UnknownFunction: 1008,
  UnknownTable: 1025,
  BadBytes: 1046,
  UnknownColumn: 1058,
  SemanticError: 1065,
  UnknownQuery: 1127,
  DatabaseAlreadyExists: 2301,
  TableAlreadyExists: 2302,
  StorageNotFound: 3001,
  StoragePermissionDenied: 3002,
  StorageOther: 4000,
  AuthenticateFailure: 5100,
} as const;

export function syntaxError(message: string): WarehouseError {
  return new WarehouseError(Codes.SyntaxException, message);
}

export function unsupported(what: string): WarehouseError {
  return new WarehouseError(
    Codes.Unimplemented,
    `${what} is not supported by the dev warehouse (sandbox/warehouse/README.md lists what is)`,
  );
}

/** Any thrown value as a WarehouseError, so a client always gets {code, message}. */
export function asWarehouseError(err: unknown): WarehouseError {
  if (err instanceof WarehouseError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new WarehouseError(Codes.Internal, message);
}
