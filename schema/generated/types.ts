export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  AWSDate: { input: string; output: string; }
  AWSDateTime: { input: string; output: string; }
  AWSEmail: { input: string; output: string; }
  AWSIPAddress: { input: string; output: string; }
  AWSJSON: { input: string; output: string; }
  AWSPhone: { input: string; output: string; }
  AWSTime: { input: string; output: string; }
  AWSTimestamp: { input: number; output: number; }
  AWSURL: { input: string; output: string; }
};

export type AbortUploadInput = {
  key: Scalars['String']['input'];
  uploadId: Scalars['String']['input'];
};

/** Which kind of mutation recorded a batch. */
export type BatchKind =
  /** Valid rows, through the model's import mutation (importCustomers, …). */
  | 'IMPORT'
  /** Rows the client rejected itself, through recordRejectedRows. */
  | 'REJECTED';

export type CompleteUploadInput = {
  /** The key createUpload answered (the caller's own uploads/<sub>/…). */
  key: Scalars['String']['input'];
  /** Every part, in order. */
  parts: Array<CompletedPartInput>;
  uploadId: Scalars['String']['input'];
};

export type CompletedPartInput = {
  /** The ETag S3 answered for the part's PUT (quotes optional). */
  etag: Scalars['String']['input'];
  partNumber: Scalars['Int']['input'];
};

/** A multipart upload completed: the object is in uploads/ and the S3 processor takes it from there. */
export type CompletedUpload = {
  __typename?: 'CompletedUpload';
  etag: Scalars['String']['output'];
  key: Scalars['String']['output'];
};

export type CreateCustomerInput = {
  company?: InputMaybe<Scalars['String']['input']>;
  country?: InputMaybe<Scalars['String']['input']>;
  /** Any case, surrounding spaces allowed: the server trims and lower-cases it, then checks it is an email address (a String, not AWSEmail, so that a padded duplicate reaches the uniqueness check instead of failing scalar parsing). */
  email: Scalars['String']['input'];
  name: Scalars['String']['input'];
  notes?: InputMaybe<Scalars['String']['input']>;
  phone?: InputMaybe<Scalars['AWSPhone']['input']>;
  signupDate?: InputMaybe<Scalars['AWSDate']['input']>;
};

export type CreateProjectInput = {
  budget?: InputMaybe<Scalars['Float']['input']>;
  customerId: Scalars['ID']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  dueDate?: InputMaybe<Scalars['AWSDate']['input']>;
  name: Scalars['String']['input'];
  startDate?: InputMaybe<Scalars['AWSDate']['input']>;
  status?: InputMaybe<ProjectStatus>;
};

export type CreateUploadInput = {
  /** The file's name (no slashes), 1 to 255 characters. */
  fileName: Scalars['String']['input'];
  /** JSON object: the confirmed column → field mapping (null ignores a column); at most 1,500 bytes encoded. */
  mapping?: InputMaybe<Scalars['AWSJSON']['input']>;
  model: ModelName;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: Scalars['String']['input'];
  /** The file's size in bytes: the upload must send exactly this many (at most 10 GiB; a Float because GraphQL's Int stops at 2 GiB; docs/upload.md). */
  size: Scalars['Float']['input'];
};

/** ISO 4217 currency codes (the current ones, as ICU lists them). */
export type CurrencyCode =
  | 'AED'
  | 'AFN'
  | 'ALL'
  | 'AMD'
  | 'ANG'
  | 'AOA'
  | 'ARS'
  | 'AUD'
  | 'AWG'
  | 'AZN'
  | 'BAM'
  | 'BBD'
  | 'BDT'
  | 'BGN'
  | 'BHD'
  | 'BIF'
  | 'BMD'
  | 'BND'
  | 'BOB'
  | 'BRL'
  | 'BSD'
  | 'BTN'
  | 'BWP'
  | 'BYN'
  | 'BZD'
  | 'CAD'
  | 'CDF'
  | 'CHF'
  | 'CLP'
  | 'CNY'
  | 'COP'
  | 'CRC'
  | 'CUC'
  | 'CUP'
  | 'CVE'
  | 'CZK'
  | 'DJF'
  | 'DKK'
  | 'DOP'
  | 'DZD'
  | 'EGP'
  | 'ERN'
  | 'ETB'
  | 'EUR'
  | 'FJD'
  | 'FKP'
  | 'GBP'
  | 'GEL'
  | 'GHS'
  | 'GIP'
  | 'GMD'
  | 'GNF'
  | 'GTQ'
  | 'GYD'
  | 'HKD'
  | 'HNL'
  | 'HRK'
  | 'HTG'
  | 'HUF'
  | 'IDR'
  | 'ILS'
  | 'INR'
  | 'IQD'
  | 'IRR'
  | 'ISK'
  | 'JMD'
  | 'JOD'
  | 'JPY'
  | 'KES'
  | 'KGS'
  | 'KHR'
  | 'KMF'
  | 'KPW'
  | 'KRW'
  | 'KWD'
  | 'KYD'
  | 'KZT'
  | 'LAK'
  | 'LBP'
  | 'LKR'
  | 'LRD'
  | 'LSL'
  | 'LYD'
  | 'MAD'
  | 'MDL'
  | 'MGA'
  | 'MKD'
  | 'MMK'
  | 'MNT'
  | 'MOP'
  | 'MRU'
  | 'MUR'
  | 'MVR'
  | 'MWK'
  | 'MXN'
  | 'MYR'
  | 'MZN'
  | 'NAD'
  | 'NGN'
  | 'NIO'
  | 'NOK'
  | 'NPR'
  | 'NZD'
  | 'OMR'
  | 'PAB'
  | 'PEN'
  | 'PGK'
  | 'PHP'
  | 'PKR'
  | 'PLN'
  | 'PYG'
  | 'QAR'
  | 'RON'
  | 'RSD'
  | 'RUB'
  | 'RWF'
  | 'SAR'
  | 'SBD'
  | 'SCR'
  | 'SDG'
  | 'SEK'
  | 'SGD'
  | 'SHP'
  | 'SLE'
  | 'SLL'
  | 'SOS'
  | 'SRD'
  | 'SSP'
  | 'STN'
  | 'SVC'
  | 'SYP'
  | 'SZL'
  | 'THB'
  | 'TJS'
  | 'TMT'
  | 'TND'
  | 'TOP'
  | 'TRY'
  | 'TTD'
  | 'TWD'
  | 'TZS'
  | 'UAH'
  | 'UGX'
  | 'USD'
  | 'UYU'
  | 'UZS'
  | 'VES'
  | 'VND'
  | 'VUV'
  | 'WST'
  | 'XAF'
  | 'XCD'
  | 'XCG'
  | 'XDR'
  | 'XOF'
  | 'XPF'
  | 'XSU'
  | 'YER'
  | 'ZAR'
  | 'ZMW'
  | 'ZWG'
  | 'ZWL';

export type Customer = {
  __typename?: 'Customer';
  company: Maybe<Scalars['String']['output']>;
  country: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['AWSDateTime']['output'];
  /** Stored normalised: trimmed, NFC and lower-cased. Unique across all customers. */
  email: Scalars['AWSEmail']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  notes: Maybe<Scalars['String']['output']>;
  phone: Maybe<Scalars['AWSPhone']['output']>;
  signupDate: Maybe<Scalars['AWSDate']['output']>;
  updatedAt: Scalars['AWSDateTime']['output'];
  /** Optimistic-locking version, starts at 1 and grows by one on each update. */
  version: Scalars['Int']['output'];
};

export type CustomerConnection = {
  __typename?: 'CustomerConnection';
  items: Array<Customer>;
  nextToken: Maybe<Scalars['String']['output']>;
};

/** A customer row as read from a file: every cell is text, the server validates it (generated from @importable Customer). */
export type CustomerRowInput = {
  /** Company */
  company?: InputMaybe<Scalars['String']['input']>;
  /** Country */
  country?: InputMaybe<Scalars['String']['input']>;
  /** Email (required) */
  email?: InputMaybe<Scalars['String']['input']>;
  /** Name (required) */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Notes */
  notes?: InputMaybe<Scalars['String']['input']>;
  /** Phone */
  phone?: InputMaybe<Scalars['String']['input']>;
  rowNumber: Scalars['Int']['input'];
  /** Signup date */
  signupDate?: InputMaybe<Scalars['String']['input']>;
};

export type DeleteCustomerInput = {
  id: Scalars['ID']['input'];
};

export type DeleteProjectInput = {
  id: Scalars['ID']['input'];
};

export type EraseCustomerInput = {
  /** …or by email, in any case (compared trimmed and lower-cased). Needed to continue when only the id was given and the customer is gone. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** The customer to erase, by id… */
  id?: InputMaybe<Scalars['ID']['input']>;
  /** From the previous answer: go on searching stored row errors where it stopped. */
  nextToken?: InputMaybe<Scalars['String']['input']>;
};

/** What one eraseCustomer call removed. Call again with nextToken (and the email) until complete is true. */
export type ErasureResult = {
  __typename?: 'ErasureResult';
  /** Batch markers whose stored outcomes named the email and were erased by this call. */
  batchOutcomesRedacted: Scalars['Int']['output'];
  complete: Scalars['Boolean']['output'];
  /** The customer item was deleted by this call. */
  customerDeleted: Scalars['Boolean']['output'];
  customerId: Maybe<Scalars['ID']['output']>;
  /** The normalised email searched for in stored row errors and batch outcomes. */
  email: Scalars['String']['output'];
  /** The email's uniqueness claim was deleted by this call (in the same transaction as the customer). */
  emailClaimReleased: Scalars['Boolean']['output'];
  /** Items of the Ingestions table this call looked at. */
  itemsScanned: Scalars['Int']['output'];
  /** Call again with it to continue; null when the whole table has been searched. */
  nextToken: Maybe<Scalars['String']['output']>;
  /** Stored row errors holding the email whose cells (raw), conflict value and messages were erased by this call. */
  rowErrorsRedacted: Scalars['Int']['output'];
};

export type FieldError = {
  __typename?: 'FieldError';
  /** Stable machine code: REQUIRED, FORMAT, TOO_LONG, ENUM, RANGE, UNKNOWN_CUSTOMER, DUPLICATE_EMAIL, … */
  code: Scalars['String']['output'];
  /** The model field (e.g. email); clients map it back to their column. */
  field: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type FieldErrorInput = {
  code: Scalars['String']['input'];
  field: Scalars['String']['input'];
  message: Scalars['String']['input'];
};

/** What startIngestion would answer for a file, asked without starting anything (checkFile). */
export type FileCheck = {
  __typename?: 'FileCheck';
  /** Whether these bytes were ingested before (finished or not), by anyone. */
  ingested: Scalars['Boolean']['output'];
  /** The earlier ingestion of these bytes — null when there is none, or when it is someone else's (the answer says only that the file was ingested before, as startIngestion's DUPLICATE does). */
  ingestion: Maybe<Ingestion>;
  outcome: FileCheckOutcome;
  sha256: Scalars['String']['output'];
};

export type FileCheckOutcome =
  /** These bytes were ingested before (completed): startIngestion would answer DUPLICATE and nothing would be done. */
  | 'DUPLICATE'
  /** Someone else's ingestion of these bytes never finished: startIngestion would refuse (FileInProgress). */
  | 'IN_PROGRESS'
  /** These bytes were never ingested: startIngestion would start a new ingestion. */
  | 'NEW'
  /** The caller's (or, for an admin or the back end, anyone's) ingestion of these bytes never finished: startIngestion would resume it. */
  | 'RESUME';

export type FinishIngestionInput = {
  /** Rows whose values the client corrected before sending them (the engine's `corrections`), recorded on the ingestion; 0 or more. */
  correctedRows?: InputMaybe<Scalars['Int']['input']>;
  durationMs?: InputMaybe<Scalars['Int']['input']>;
  failureReason?: InputMaybe<Scalars['String']['input']>;
  ingestionId: Scalars['ID']['input'];
  status: IngestionStatus;
};

export type ForemanNormalize =
  | 'CASE_INSENSITIVE'
  | 'EMAIL'
  | 'TRIM';

export type ImportCustomersInput = {
  /** Numbered from 1 by the client; re-sending a batch number is a no-op that returns the stored outcomes. */
  batchNumber: Scalars['Int']['input'];
  ingestionId: Scalars['ID']['input'];
  /** At most 49 rows. */
  rows: Array<CustomerRowInput>;
};

export type ImportInvoicesInput = {
  /** Numbered from 1 by the client; re-sending a batch number is a no-op that returns the stored outcomes. */
  batchNumber: Scalars['Int']['input'];
  ingestionId: Scalars['ID']['input'];
  /** At most 24 rows. */
  rows: Array<InvoiceRowInput>;
};

export type ImportProjectsInput = {
  /** Numbered from 1 by the client; re-sending a batch number is a no-op that returns the stored outcomes. */
  batchNumber: Scalars['Int']['input'];
  ingestionId: Scalars['ID']['input'];
  /** At most 49 rows. */
  rows: Array<ProjectRowInput>;
};

export type Ingestion = {
  __typename?: 'Ingestion';
  alreadyImported: Scalars['Int']['output'];
  batches: Scalars['Int']['output'];
  /** Rows whose values the client corrected before sending them (e.g. fixed in the web page), as the run that finished it said; null when it said nothing. */
  correctedRows: Maybe<Scalars['Int']['output']>;
  created: Scalars['Int']['output'];
  duplicates: Scalars['Int']['output'];
  durationMs: Maybe<Scalars['Int']['output']>;
  failureReason: Maybe<Scalars['String']['output']>;
  fileName: Scalars['String']['output'];
  finishedAt: Maybe<Scalars['AWSDateTime']['output']>;
  id: Scalars['ID']['output'];
  invalid: Scalars['Int']['output'];
  model: ModelName;
  /** Who started it: cognito:<sub> for a signed-in user, iam:<ARN> for the back end. */
  owner: Maybe<Scalars['String']['output']>;
  /** Rows accounted for so far: created + duplicates + invalid + alreadyImported. */
  processed: Scalars['Int']['output'];
  rowCount: Maybe<Scalars['Int']['output']>;
  rowsPerSecond: Maybe<Scalars['Float']['output']>;
  sha256: Scalars['String']['output'];
  source: IngestionSource;
  startedAt: Scalars['AWSDateTime']['output'];
  status: IngestionStatus;
  updatedAt: Scalars['AWSDateTime']['output'];
};

/** A batch an ingestion recorded (its batch marker): what a resumed run need not send again. */
export type IngestionBatch = {
  __typename?: 'IngestionBatch';
  batchNumber: Scalars['Int']['output'];
  /** The rows the batch accounted for (every outcome but RETRY), as ranges in the order sent. Null for a marker written before markers recorded them: send those rows again (they are de-duplicated one by one). */
  doneRows: Maybe<Array<RowRange>>;
  /** The batch's rows as its marker names them: the lowest and highest row number and how many rows it held. */
  firstRow: Scalars['Int']['output'];
  kind: BatchKind;
  lastRow: Scalars['Int']['output'];
  rowCount: Scalars['Int']['output'];
};

export type IngestionBatchConnection = {
  __typename?: 'IngestionBatchConnection';
  items: Array<IngestionBatch>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type IngestionConnection = {
  __typename?: 'IngestionConnection';
  items: Array<Ingestion>;
  nextToken: Maybe<Scalars['String']['output']>;
};

/** What every mutation that changes an ingestion returns, and what onIngestionProgress delivers. */
export type IngestionProgress = {
  __typename?: 'IngestionProgress';
  alreadyImported: Scalars['Int']['output'];
  batchNumber: Maybe<Scalars['Int']['output']>;
  batches: Scalars['Int']['output'];
  created: Scalars['Int']['output'];
  duplicates: Scalars['Int']['output'];
  durationMs: Maybe<Scalars['Int']['output']>;
  failureReason: Maybe<Scalars['String']['output']>;
  ingestionId: Scalars['ID']['output'];
  invalid: Scalars['Int']['output'];
  outcomes: Maybe<Array<RowOutcome>>;
  /** The ingestion's owner: the real-time filters deliver an event only to its owner, admins and the back end. */
  owner: Maybe<Scalars['String']['output']>;
  processed: Scalars['Int']['output'];
  /** True when this batch had been applied before and the stored outcomes were returned. */
  replayed: Maybe<Scalars['Boolean']['output']>;
  rowCount: Maybe<Scalars['Int']['output']>;
  rowsPerSecond: Maybe<Scalars['Float']['output']>;
  stage: IngestionStage;
  status: IngestionStatus;
  updatedAt: Scalars['AWSDateTime']['output'];
};

export type IngestionSource =
  | 'API'
  | 'CLI'
  | 'S3'
  | 'WEB';

export type IngestionStage =
  | 'FINISHED'
  | 'IMPORTING'
  | 'REJECTED_ROWS'
  | 'STARTED';

export type IngestionStatus =
  | 'COMPLETED'
  | 'FAILED'
  | 'RUNNING';

export type Invoice = {
  __typename?: 'Invoice';
  /** A decimal ≥ 0 in `currency`. */
  amount: Scalars['Float']['output'];
  createdAt: Scalars['AWSDateTime']['output'];
  currency: CurrencyCode;
  /** A file row names the customer by customerEmail or customerId. */
  customerId: Scalars['ID']['output'];
  description: Maybe<Scalars['String']['output']>;
  dueDate: Scalars['AWSDate']['output'];
  id: Scalars['ID']['output'];
  /** Unique across all invoices (trimmed; case matters). */
  invoiceNumber: Scalars['String']['output'];
  issueDate: Scalars['AWSDate']['output'];
  /** Optional: the project the invoice bills, by id. */
  projectId: Maybe<Scalars['ID']['output']>;
  updatedAt: Scalars['AWSDateTime']['output'];
  version: Scalars['Int']['output'];
};

export type InvoiceConnection = {
  __typename?: 'InvoiceConnection';
  items: Array<Invoice>;
  nextToken: Maybe<Scalars['String']['output']>;
};

/** An invoice row as read from a file: every cell is text, the server validates it (generated from @importable Invoice). */
export type InvoiceRowInput = {
  /** Amount (required) */
  amount?: InputMaybe<Scalars['String']['input']>;
  /** Currency (required) */
  currency?: InputMaybe<Scalars['String']['input']>;
  /** Customer email */
  customerEmail?: InputMaybe<Scalars['String']['input']>;
  /** Customer id */
  customerId?: InputMaybe<Scalars['String']['input']>;
  /** Description */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Due date (required) */
  dueDate?: InputMaybe<Scalars['String']['input']>;
  /** Invoice number (required) */
  invoiceNumber?: InputMaybe<Scalars['String']['input']>;
  /** Issue date (required) */
  issueDate?: InputMaybe<Scalars['String']['input']>;
  /** Project id */
  projectId?: InputMaybe<Scalars['String']['input']>;
  rowNumber: Scalars['Int']['input'];
};

/** The importable models (@importable types). */
export type ModelName =
  | 'CUSTOMER'
  | 'INVOICE'
  | 'PROJECT';

export type Mutation = {
  __typename?: 'Mutation';
  /** Admins and importers: abandons the caller's own multipart upload (its parts are deleted). True once aborted. */
  abortUpload: Scalars['Boolean']['output'];
  /** Admins and importers: completes the caller's own multipart upload (createUpload's uploadId) from the parts' ETags; the object then lands in uploads/ and is ingested (docs/upload.md). */
  completeUpload: CompletedUpload;
  createCustomer: Customer;
  createProject: Project;
  /** Admins and importers: a presigned PUT of one file into the caller's own uploads/ prefix (IAM reaches the field but is refused: it has no user to upload for); the S3 processor ingests it on the caller's behalf with the mapping given (docs/upload.md). */
  createUpload: Upload;
  deleteCustomer: Maybe<Customer>;
  /** Deletes the caller's mapping for a header row and model: the deleted mapping, or null when the caller has none. */
  deleteMapping: Maybe<SavedMapping>;
  deleteProject: Maybe<Project>;
  /** Admins (and IAM operators granted this field): removes a customer, its email claim and every stored copy of its email in row errors and batch outcomes. */
  eraseCustomer: ErasureResult;
  /** Marks a running ingestion FAILED, e.g. when the S3 processor cannot read its file: the back end (IAM), an admin, or the ingestion's owner. */
  failIngestion: IngestionProgress;
  finishIngestion: IngestionProgress;
  /** Imports a batch of customer rows into a running ingestion (generated). */
  importCustomers: IngestionProgress;
  /** Imports a batch of invoice rows into a running ingestion (generated). */
  importInvoices: IngestionProgress;
  /** Imports a batch of project rows into a running ingestion (generated). */
  importProjects: IngestionProgress;
  recordRejectedRows: IngestionProgress;
  /** Saves (or replaces) the caller's mapping for a header row and model; refused with ValidationError when it does not fit the model. */
  saveMapping: SavedMapping;
  startIngestion: StartIngestionResult;
  updateCustomer: Customer;
  updateProject: Project;
};


export type MutationAbortUploadArgs = {
  input: AbortUploadInput;
};


export type MutationCompleteUploadArgs = {
  input: CompleteUploadInput;
};


export type MutationCreateCustomerArgs = {
  input: CreateCustomerInput;
};


export type MutationCreateProjectArgs = {
  input: CreateProjectInput;
};


export type MutationCreateUploadArgs = {
  input: CreateUploadInput;
};


export type MutationDeleteCustomerArgs = {
  input: DeleteCustomerInput;
};


export type MutationDeleteMappingArgs = {
  fingerprint: Scalars['String']['input'];
  model: ModelName;
};


export type MutationDeleteProjectArgs = {
  input: DeleteProjectInput;
};


export type MutationEraseCustomerArgs = {
  input: EraseCustomerInput;
};


export type MutationFailIngestionArgs = {
  ingestionId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationFinishIngestionArgs = {
  input: FinishIngestionInput;
};


export type MutationImportCustomersArgs = {
  input: ImportCustomersInput;
};


export type MutationImportInvoicesArgs = {
  input: ImportInvoicesInput;
};


export type MutationImportProjectsArgs = {
  input: ImportProjectsInput;
};


export type MutationRecordRejectedRowsArgs = {
  input: RecordRejectedRowsInput;
};


export type MutationSaveMappingArgs = {
  input: SaveMappingInput;
};


export type MutationStartIngestionArgs = {
  input: StartIngestionInput;
};


export type MutationUpdateCustomerArgs = {
  input: UpdateCustomerInput;
};


export type MutationUpdateProjectArgs = {
  input: UpdateProjectInput;
};

export type Project = {
  __typename?: 'Project';
  budget: Maybe<Scalars['Float']['output']>;
  createdAt: Scalars['AWSDateTime']['output'];
  /** A file row names the customer by customerEmail or customerId. */
  customerId: Scalars['ID']['output'];
  description: Maybe<Scalars['String']['output']>;
  dueDate: Maybe<Scalars['AWSDate']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  startDate: Maybe<Scalars['AWSDate']['output']>;
  status: ProjectStatus;
  updatedAt: Scalars['AWSDateTime']['output'];
  version: Scalars['Int']['output'];
};

export type ProjectConnection = {
  __typename?: 'ProjectConnection';
  items: Array<Project>;
  nextToken: Maybe<Scalars['String']['output']>;
};

/** A project row as read from a file: every cell is text, the server validates it (generated from @importable Project). */
export type ProjectRowInput = {
  /** Budget */
  budget?: InputMaybe<Scalars['String']['input']>;
  /** Customer email */
  customerEmail?: InputMaybe<Scalars['String']['input']>;
  /** Customer id */
  customerId?: InputMaybe<Scalars['String']['input']>;
  /** Description */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Due date */
  dueDate?: InputMaybe<Scalars['String']['input']>;
  /** Project name (required) */
  name?: InputMaybe<Scalars['String']['input']>;
  rowNumber: Scalars['Int']['input'];
  /** Start date */
  startDate?: InputMaybe<Scalars['String']['input']>;
  /** Status */
  status?: InputMaybe<Scalars['String']['input']>;
};

export type ProjectStatus =
  | 'ACTIVE'
  | 'CANCELLED'
  | 'COMPLETED'
  | 'ON_HOLD'
  | 'PLANNED';

export type Query = {
  __typename?: 'Query';
  /** What importCustomers would answer for these rows now — at most 49; writes nothing (generated). With ingestionId (checkFile's RESUME), rows that ingestion wrote answer ALREADY_IMPORTED. */
  checkCustomers: Array<RowCheck>;
  /** Read-only: what startIngestion would answer for these bytes (lower-case hex SHA-256). The rows' own check is each model's generated check<Plural> query. */
  checkFile: FileCheck;
  /** What importInvoices would answer for these rows now — at most 24; writes nothing (generated). With ingestionId (checkFile's RESUME), rows that ingestion wrote answer ALREADY_IMPORTED. */
  checkInvoices: Array<RowCheck>;
  /** What importProjects would answer for these rows now — at most 49; writes nothing (generated). With ingestionId (checkFile's RESUME), rows that ingestion wrote answer ALREADY_IMPORTED. */
  checkProjects: Array<RowCheck>;
  customerByEmail: Maybe<Customer>;
  getCustomer: Maybe<Customer>;
  getIngestion: Maybe<Ingestion>;
  getInvoice: Maybe<Invoice>;
  /** The caller's own saved mapping for this header row fingerprint and model, or null. */
  getMapping: Maybe<SavedMapping>;
  getProject: Maybe<Project>;
  listCustomers: CustomerConnection;
  /** The batches an ingestion recorded, in marker order (import batches, then rejected-row batches), with the rows each accounted for. limit defaults to 1000, at most 1000. */
  listIngestionBatches: IngestionBatchConnection;
  listIngestionRowErrors: RowErrorConnection;
  listIngestions: IngestionConnection;
  listInvoices: InvoiceConnection;
  /** The caller's own saved mappings, most recently saved first (`limit` 20 by default, at most 100). */
  listMappings: SavedMappingConnection;
  listProjects: ProjectConnection;
  listProjectsByCustomer: ProjectConnection;
};


export type QueryCheckCustomersArgs = {
  ingestionId?: InputMaybe<Scalars['ID']['input']>;
  rows: Array<CustomerRowInput>;
};


export type QueryCheckFileArgs = {
  sha256: Scalars['String']['input'];
};


export type QueryCheckInvoicesArgs = {
  ingestionId?: InputMaybe<Scalars['ID']['input']>;
  rows: Array<InvoiceRowInput>;
};


export type QueryCheckProjectsArgs = {
  ingestionId?: InputMaybe<Scalars['ID']['input']>;
  rows: Array<ProjectRowInput>;
};


export type QueryCustomerByEmailArgs = {
  email: Scalars['String']['input'];
};


export type QueryGetCustomerArgs = {
  id: Scalars['ID']['input'];
};


export type QueryGetIngestionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryGetInvoiceArgs = {
  id: Scalars['ID']['input'];
};


export type QueryGetMappingArgs = {
  fingerprint: Scalars['String']['input'];
  model: ModelName;
};


export type QueryGetProjectArgs = {
  id: Scalars['ID']['input'];
};


export type QueryListCustomersArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


export type QueryListIngestionBatchesArgs = {
  ingestionId: Scalars['ID']['input'];
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


export type QueryListIngestionRowErrorsArgs = {
  ingestionId: Scalars['ID']['input'];
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


export type QueryListIngestionsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


export type QueryListInvoicesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


export type QueryListMappingsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


export type QueryListProjectsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};


export type QueryListProjectsByCustomerArgs = {
  customerId: Scalars['ID']['input'];
  limit?: InputMaybe<Scalars['Int']['input']>;
  nextToken?: InputMaybe<Scalars['String']['input']>;
};

export type RecordRejectedRowsInput = {
  batchNumber: Scalars['Int']['input'];
  ingestionId: Scalars['ID']['input'];
  rows: Array<RejectedRowInput>;
};

export type RejectedRowInput = {
  errors: Array<FieldErrorInput>;
  raw?: InputMaybe<Scalars['AWSJSON']['input']>;
  rowNumber: Scalars['Int']['input'];
};

/** What an import would make of one row now (the generated check queries); nothing is written. */
export type RowCheck = {
  __typename?: 'RowCheck';
  /** DUPLICATE of an existing record: who owns the value. */
  conflict: Maybe<RowConflict>;
  errors: Maybe<Array<FieldError>>;
  /** ALREADY_IMPORTED: the record. */
  id: Maybe<Scalars['ID']['output']>;
  /** DUPLICATE of an earlier row among the checked rows: that row's number (the first row in file order owns a value). */
  repeatOf: Maybe<Scalars['Int']['output']>;
  rowNumber: Scalars['Int']['output'];
  /** CREATED: the row would be created; DUPLICATE or INVALID: it would be rejected, with the import's errors; ALREADY_IMPORTED: the ingestion named in the query wrote it. */
  status: RowStatus;
};

/** Who already owns a unique value this row tried to claim. */
export type RowConflict = {
  __typename?: 'RowConflict';
  existingId: Scalars['ID']['output'];
  field: Scalars['String']['output'];
  ingestionId: Maybe<Scalars['ID']['output']>;
  rowNumber: Maybe<Scalars['Int']['output']>;
  value: Scalars['String']['output'];
};

export type RowError = {
  __typename?: 'RowError';
  conflict: Maybe<RowConflict>;
  errors: Maybe<Array<FieldError>>;
  ingestionId: Scalars['ID']['output'];
  /** The row as the client read it (JSON object of column → cell). */
  raw: Maybe<Scalars['AWSJSON']['output']>;
  rowNumber: Scalars['Int']['output'];
  status: RowStatus;
};

export type RowErrorConnection = {
  __typename?: 'RowErrorConnection';
  items: Array<RowError>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type RowOutcome = {
  __typename?: 'RowOutcome';
  conflict: Maybe<RowConflict>;
  errors: Maybe<Array<FieldError>>;
  /** The created (or already imported) record. */
  id: Maybe<Scalars['ID']['output']>;
  rowNumber: Scalars['Int']['output'];
  status: RowStatus;
};

/** An inclusive range of spreadsheet row numbers. */
export type RowRange = {
  __typename?: 'RowRange';
  from: Scalars['Int']['output'];
  to: Scalars['Int']['output'];
};

export type RowStatus =
  /** This row was written by an earlier, interrupted run of the same ingestion. */
  | 'ALREADY_IMPORTED'
  | 'CREATED'
  | 'DUPLICATE'
  | 'INVALID'
  /** Lost a race with a concurrent writer: send the row again in a later batch. */
  | 'RETRY';

export type SaveMappingInput = {
  /** Lower-case hex SHA-256 (64 characters) of the model key and the normalised header row. */
  fingerprint: Scalars['String']['input'];
  /** The file's header row, at most 500 columns of at most 256 characters (32,768 in all). */
  headers: Array<Scalars['String']['input']>;
  /** JSON object: column header (one of `headers`) → a field of the model, or null to ignore the column. Every required field needs a column. */
  mapping: Scalars['AWSJSON']['input'];
  model: ModelName;
};

/**
 * A column mapping its owner confirmed for one header row and model, applied the next time a file
 * with the same header row is ingested. Only its owner sees, replaces or deletes it (docs/auth.md).
 */
export type SavedMapping = {
  __typename?: 'SavedMapping';
  createdAt: Scalars['AWSDateTime']['output'];
  /** Lower-case hex SHA-256 of the model key and the normalised header row (clients/ingest/savedMappings.ts mappingFingerprint). */
  fingerprint: Scalars['String']['output'];
  /** The header row as the file had it when the mapping was saved. */
  headers: Array<Scalars['String']['output']>;
  /** JSON object: each column header → a field of the model, or null when the column is ignored. */
  mapping: Scalars['AWSJSON']['output'];
  model: ModelName;
  /** Who saved it: cognito:<sub> or iam:<ARN>, as an ingestion's owner. */
  owner: Scalars['String']['output'];
  updatedAt: Scalars['AWSDateTime']['output'];
};

export type SavedMappingConnection = {
  __typename?: 'SavedMappingConnection';
  /** The caller's own saved mappings, most recently saved first. */
  items: Array<SavedMapping>;
  nextToken: Maybe<Scalars['String']['output']>;
};

export type StartIngestionInput = {
  fileName: Scalars['String']['input'];
  model: ModelName;
  /** The back end only (IAM): start the ingestion on behalf of this owner (`cognito:<sub>`), e.g. the S3 processor for the user who uploaded the file. Refused (Unauthorized) from a user. */
  owner?: InputMaybe<Scalars['String']['input']>;
  rowCount?: InputMaybe<Scalars['Int']['input']>;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: Scalars['String']['input'];
  source: IngestionSource;
};

export type StartIngestionResult = {
  __typename?: 'StartIngestionResult';
  /** The ingestion to continue with, or for DUPLICATE the first ingestion of these bytes — null when that one is someone else's (the answer says only that the file was ingested before). */
  ingestion: Maybe<Ingestion>;
  outcome: StartOutcome;
};

export type StartOutcome =
  /** The same bytes were ingested before: nothing to do. `ingestion` is the first ingestion. */
  | 'DUPLICATE'
  /** The same bytes were seen before but that ingestion never finished: it continues. */
  | 'RESUMED'
  /** A new ingestion was started for this file. */
  | 'STARTED';

export type Subscription = {
  __typename?: 'Subscription';
  onIngestionProgress: Maybe<IngestionProgress>;
  onIngestionsChanged: Maybe<IngestionProgress>;
};


export type SubscriptionOnIngestionProgressArgs = {
  ingestionId: Scalars['ID']['input'];
};

export type UpdateCustomerInput = {
  company?: InputMaybe<Scalars['String']['input']>;
  country?: InputMaybe<Scalars['String']['input']>;
  /** Normalised like CreateCustomerInput.email. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** When given, the update is refused unless the stored version equals it. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  notes?: InputMaybe<Scalars['String']['input']>;
  phone?: InputMaybe<Scalars['AWSPhone']['input']>;
  signupDate?: InputMaybe<Scalars['AWSDate']['input']>;
};

export type UpdateProjectInput = {
  budget?: InputMaybe<Scalars['Float']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  dueDate?: InputMaybe<Scalars['AWSDate']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  startDate?: InputMaybe<Scalars['AWSDate']['input']>;
  status?: InputMaybe<ProjectStatus>;
};

/** A presigned, size-limited S3 upload into the caller's own uploads/<sub>/ prefix (docs/upload.md): one PUT (`url`), or, for big files, a multipart upload (`uploadId`, `parts`) that completeUpload finishes. */
export type Upload = {
  __typename?: 'Upload';
  expiresAt: Scalars['AWSDateTime']['output'];
  /** JSON object of the headers the PUT must carry (signed: the file's metadata). Empty ({}) for a multipart upload: the metadata is on the upload already. */
  headers: Scalars['AWSJSON']['output'];
  /** The object key: uploads/<caller's sub>/<uuid>/<fileName>. */
  key: Scalars['String']['output'];
  /** The largest size an upload may declare (a Float: above GraphQL's 32-bit Int). */
  maxBytes: Scalars['Float']['output'];
  /** Multipart only: one presigned UploadPart URL per part, in order; each takes exactly `size` bytes of the file from `offset`. */
  parts: Maybe<Array<UploadPartUrl>>;
  /** Multipart only: the S3 upload id, for completeUpload / abortUpload. */
  uploadId: Maybe<Scalars['String']['output']>;
  /** PUT the file's bytes here, with `headers`, before `expiresAt`. Null for a multipart upload (see `parts`). */
  url: Maybe<Scalars['String']['output']>;
};

/** One part of a multipart upload: PUT bytes [offset, offset + size) of the file to `url`; S3 answers its ETag. */
export type UploadPartUrl = {
  __typename?: 'UploadPartUrl';
  offset: Scalars['Float']['output'];
  partNumber: Scalars['Int']['output'];
  size: Scalars['Int']['output'];
  url: Scalars['String']['output'];
};
