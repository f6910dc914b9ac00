/** The access key pair an app uses, whatever created it. Values are Terraform tokens. */
export interface IStorageCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}
