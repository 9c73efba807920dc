package io.cdckinesis.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdckinesis.core.internal.ConfigFileProblems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of a DMS S3 target endpoint that shape its CSV output, named as DMS names them.
 * Defaults are DMS's defaults. Load them from what {@code aws dms describe-endpoints} prints with
 * {@link #fromJson}, so that the reader is configured exactly like the endpoint that wrote the
 * files.
 *
 * @param csvDelimiter {@code CsvDelimiter}, default {@code ,}
 * @param csvRowDelimiter {@code CsvRowDelimiter}, default {@code \n}; {@code \r\n} also occurs
 * @param csvNullValue {@code CsvNullValue}: the token written for NULL; when {@code null} (not set)
 *     an unquoted empty field is NULL and a quoted empty field is an empty string
 * @param addColumnName {@code AddColumnName}: files start with a header line
 * @param includeOpForFullLoad {@code IncludeOpForFullLoad}: full-load rows carry an Op field
 * @param timestampColumnName {@code TimestampColumnName}, or {@code null}
 * @param cdcInsertsOnly {@code CdcInsertsOnly}
 * @param cdcInsertsAndUpdates {@code CdcInsertsAndUpdates}
 * @param compressionType {@code CompressionType}
 * @param datePartitionEnabled {@code DatePartitionEnabled}: date folders in CDC paths
 * @param datePartitionSequence {@code DatePartitionSequence}
 * @param datePartitionDelimiter {@code DatePartitionDelimiter}
 * @param bucketName {@code BucketName}, or {@code null}
 * @param bucketFolder {@code BucketFolder}, or {@code null}
 * @param preserveTransactions {@code PreserveTransactions}: all tables' changes in {@code
 *     CDC_TXN-*.csv} files under {@code CdcPath}
 * @param cdcPath {@code CdcPath}, or {@code null}
 * @param rfc4180 {@code Rfc4180}, default true: quote with {@code "}; false writes no quotes
 * @param useCsvNoSupValue {@code UseCsvNoSupValue}: columns DMS did not get in a change (not in the
 *     supplemental log, typically an Oracle LOB an UPDATE did not touch) hold {@code CsvNoSupValue}
 *     instead of NULL
 * @param csvNoSupValue {@code CsvNoSupValue}, or {@code null}; see {@link #noSupValue()}
 */
public record DmsCsvSettings(
    String csvDelimiter,
    String csvRowDelimiter,
    String csvNullValue,
    boolean addColumnName,
    boolean includeOpForFullLoad,
    String timestampColumnName,
    boolean cdcInsertsOnly,
    boolean cdcInsertsAndUpdates,
    CompressionType compressionType,
    boolean datePartitionEnabled,
    DatePartitionSequence datePartitionSequence,
    DatePartitionDelimiter datePartitionDelimiter,
    String bucketName,
    String bucketFolder,
    boolean preserveTransactions,
    String cdcPath,
    boolean rfc4180,
    boolean useCsvNoSupValue,
    String csvNoSupValue) {

  /**
   * Every member of the DMS API's {@code S3Settings} (S3Settings API reference), by lower-case
   * name. Those that do not shape the CSV are accepted and ignored; any other name is a mistake.
   */
  private static final Map<String, String> S3_SETTINGS =
      names(
          "AddColumnName",
          "AddTrailingPaddingCharacter",
          "BucketFolder",
          "BucketName",
          "CannedAclForObjects",
          "CdcInsertsAndUpdates",
          "CdcInsertsOnly",
          "CdcMaxBatchInterval",
          "CdcMinFileSize",
          "CdcPath",
          "CompressionType",
          "CsvDelimiter",
          "CsvNoSupValue",
          "CsvNullValue",
          "CsvRowDelimiter",
          "DataFormat",
          "DataPageSize",
          "DatePartitionDelimiter",
          "DatePartitionEnabled",
          "DatePartitionSequence",
          "DatePartitionTimezone",
          "DictPageSizeLimit",
          "EnableStatistics",
          "EncodingType",
          "EncryptionMode",
          "ExpectedBucketOwner",
          "ExternalTableDefinition",
          "GlueCatalogGeneration",
          "IgnoreHeaderRows",
          "IncludeOpForFullLoad",
          "MaxFileSize",
          "ParquetTimestampInMillisecond",
          "ParquetVersion",
          "PreserveTransactions",
          "Rfc4180",
          "RowGroupLength",
          "ServerSideEncryptionKmsKeyId",
          "ServiceAccessRoleArn",
          "TimestampColumnName",
          "UseCsvNoSupValue",
          "UseTaskStartTimeForFullLoadTimestamp");

  /** Members that make an object a DMS endpoint (describe-endpoints, create-endpoint). */
  private static final List<String> ENDPOINT_MEMBERS =
      List.of(
          "EndpointIdentifier",
          "EndpointArn",
          "EndpointType",
          "EngineName",
          "S3Settings",
          "ExtraConnectionAttributes");

  /** Members of a table definition in {@code tables.json}. */
  private static final List<String> TABLE_DEFINITION_MEMBERS =
      List.of("columns", "primaryKey", "types", "columnVersions");

  private static final DmsCsvSettings DEFAULTS = builder().build();
  private static final ObjectMapper JSON = new ObjectMapper();

  public DmsCsvSettings {
    Objects.requireNonNull(csvDelimiter, "CsvDelimiter");
    Objects.requireNonNull(csvRowDelimiter, "CsvRowDelimiter");
    Objects.requireNonNull(compressionType, "CompressionType");
    Objects.requireNonNull(datePartitionSequence, "DatePartitionSequence");
    Objects.requireNonNull(datePartitionDelimiter, "DatePartitionDelimiter");
    if (csvDelimiter.length() != 1) {
      throw new ConfigurationException(
          "CsvDelimiter must be a single character, got " + describe(csvDelimiter));
    }
    if (csvRowDelimiter.isEmpty() || csvRowDelimiter.length() > 2) {
      throw new ConfigurationException(
          "CsvRowDelimiter must be one or two characters, got " + describe(csvRowDelimiter));
    }
    if (csvRowDelimiter.contains(csvDelimiter)) {
      throw new ConfigurationException("CsvDelimiter and CsvRowDelimiter overlap");
    }
    if (cdcInsertsOnly && cdcInsertsAndUpdates) {
      throw new ConfigurationException(
          "CdcInsertsOnly and CdcInsertsAndUpdates cannot both be true");
    }
    if (preserveTransactions && (cdcPath == null || cdcPath.isBlank())) {
      throw new ConfigurationException("PreserveTransactions=true requires CdcPath");
    }
    if (preserveTransactions && (datePartitionEnabled || addColumnName)) {
      throw new ConfigurationException(
          "PreserveTransactions cannot be combined with DatePartitionEnabled or AddColumnName");
    }
    csvNoSupValue = csvNoSupValue == null || csvNoSupValue.isEmpty() ? null : csvNoSupValue;
    if (useCsvNoSupValue && csvNoSupValue != null && csvNoSupValue.equals(csvNullValue)) {
      throw new ConfigurationException(
          "CsvNoSupValue and CsvNullValue are the same token: NULL and a column DMS did not"
              + " supply could not be told apart");
    }
    timestampColumnName = blankToNull(timestampColumnName);
    bucketName = blankToNull(bucketName);
    bucketFolder = trimSlashes(blankToNull(bucketFolder));
    cdcPath = trimSlashes(blankToNull(cdcPath));
  }

  /** DMS's defaults: comma, {@code \n}, no header, no Op for full load, no compression. */
  public static DmsCsvSettings defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The token that marks a column DMS did not supply in a change row, or {@code null} when there is
   * none ({@code UseCsvNoSupValue} false, or no {@code CsvNoSupValue}: DMS then writes NULL).
   */
  public String noSupValue() {
    return useCsvNoSupValue ? csvNoSupValue : null;
  }

  /** The delimiter as a char. */
  public char delimiter() {
    return csvDelimiter.charAt(0);
  }

  /**
   * Whether rows of a file of this kind start with an Op field, when the file has no header to tell
   * (the table in {@code reference/dms-s3-csv.md}).
   */
  public boolean hasOpColumn(DmsFileKind kind) {
    if (kind == DmsFileKind.FULL_LOAD) {
      return includeOpForFullLoad;
    }
    if (cdcInsertsOnly || cdcInsertsAndUpdates) {
      return includeOpForFullLoad;
    }
    return true;
  }

  /**
   * The operation of a change row that has no Op field: an insert with CdcInsertsOnly; with
   * CdcInsertsAndUpdates DMS cannot say which, so the row is an upsert, reported as an update.
   */
  public Operation operationWithoutOpColumn(DmsFileKind kind) {
    if (kind == DmsFileKind.FULL_LOAD) {
      return Operation.LOAD;
    }
    return cdcInsertsAndUpdates ? Operation.UPDATE : Operation.INSERT;
  }

  /**
   * Reads settings from JSON. Accepts the output of {@code aws dms describe-endpoints} (the first
   * endpoint with S3 settings is used), an object with an {@code S3Settings} member, or the bare
   * S3Settings object. Names are matched case-insensitively; {@code ExtraConnectionAttributes}
   * ({@code key=value;...}) are applied first and S3Settings override them. Escaped delimiters as
   * DMS prints them ({@code "\\n"}) are unescaped. S3Settings that do not shape the CSV are
   * ignored; an endpoint's other members (engine, ARN, status...) too.
   *
   * @throws ConfigurationException naming the source when the JSON is malformed, a name is not an
   *     S3Settings member (naming the nearest one), a value is invalid, DataFormat is not csv, or
   *     the JSON is table definitions rather than settings
   */
  public static DmsCsvSettings fromJson(InputStream in, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (IOException e) {
      throw new ConfigurationException(
          "settings " + source + " are not valid JSON: " + ConfigFileProblems.invalidJson(e), e);
    }
    return fromJson(root, source);
  }

  /** Reads settings from a JSON file; see {@link #fromJson(InputStream, String)}. */
  public static DmsCsvSettings fromJson(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return fromJson(in, file.toString());
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot read settings " + file + ": " + ConfigFileProblems.unreadable(e), e);
    }
  }

  /** Reads settings from a JSON string; see {@link #fromJson(InputStream, String)}. */
  public static DmsCsvSettings fromJson(String json, String source) {
    try {
      return fromJson(JSON.readTree(json), source);
    } catch (IOException e) {
      throw new ConfigurationException(
          "settings " + source + " are not valid JSON: " + ConfigFileProblems.invalidJson(e), e);
    }
  }

  private static DmsCsvSettings fromJson(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new ConfigurationException("settings " + source + ": expected a JSON object");
    }
    JsonNode endpoint = root;
    JsonNode endpoints = member(root, "Endpoints");
    if (endpoints != null && endpoints.isArray()) {
      endpoint = null;
      for (JsonNode e : endpoints) {
        if (member(e, "S3Settings") != null) {
          endpoint = e;
          break;
        }
      }
      if (endpoint == null) {
        throw new ConfigurationException("settings " + source + ": no endpoint has S3Settings");
      }
    } else if (member(root, "Endpoint") != null) {
      endpoint = member(root, "Endpoint");
    } else {
      rejectTableDefinitions(root, source);
    }
    Builder b = builder();
    try {
      JsonNode eca = member(endpoint, "ExtraConnectionAttributes");
      if (eca != null && eca.isTextual()) {
        for (String pair : eca.asText().split(";")) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            b.set(pair.substring(0, eq).trim(), pair.substring(eq + 1));
          }
        }
      }
      JsonNode s3 = member(endpoint, "S3Settings");
      if (s3 != null) {
        apply(b, s3); // an endpoint's other members (engine, ARN, status...) are not settings
      } else if (!isEndpoint(endpoint)) {
        apply(b, endpoint); // the bare S3Settings object
      }
      return b.build();
    } catch (ConfigurationException e) {
      throw new ConfigurationException("settings " + source + ": " + e.getMessage(), e);
    }
  }

  private static void apply(Builder b, JsonNode settings) {
    if (!settings.isObject()) {
      throw new ConfigurationException("S3Settings must be an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (ENDPOINT_MEMBERS.stream().anyMatch(f.getKey()::equalsIgnoreCase)) {
        continue; // ExtraConnectionAttributes, applied first
      }
      if (f.getValue().isValueNode() && !f.getValue().isNull()) {
        b.set(f.getKey(), f.getValue().asText());
      } else if (!f.getValue().isNull()) {
        b.set(f.getKey(), null); // an object or array: its name must still be a setting
      }
    }
  }

  private static boolean isEndpoint(JsonNode node) {
    for (String m : ENDPOINT_MEMBERS) {
      if (!m.equals("ExtraConnectionAttributes") && member(node, m) != null) {
        return true;
      }
    }
    return false;
  }

  /** A {@code tables.json} given where endpoint settings are expected is a common slip. */
  private static void rejectTableDefinitions(JsonNode root, String source) {
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode v = f.getValue();
      boolean definition =
          v.isObject()
              && TABLE_DEFINITION_MEMBERS.stream().anyMatch(m -> v.get(m) != null)
              && S3_SETTINGS.get(f.getKey().toLowerCase(Locale.ROOT)) == null;
      if (definition) {
        throw new ConfigurationException(
            "settings "
                + source
                + " are table definitions (tables.json: \""
                + f.getKey()
                + "\" with columns, primaryKey or types), not DMS endpoint settings: give them"
                + " as the table definitions, and the endpoint's S3Settings (or the output of"
                + " aws dms describe-endpoints) as the settings");
      }
    }
  }

  /** Whether a name (any case) is a member of the DMS API's S3Settings. */
  public static boolean isSettingName(String name) {
    return S3_SETTINGS.containsKey(name.trim().toLowerCase(Locale.ROOT));
  }

  /** The S3Settings name nearest to a mistyped one, by edit distance ignoring case. */
  static String nearestSetting(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, String> e : S3_SETTINGS.entrySet()) {
      int d = editDistance(lower, e.getKey());
      if (d < bestDistance) {
        bestDistance = d;
        best = e.getValue();
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  private static Map<String, String> names(String... names) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n.toLowerCase(Locale.ROOT), n);
    }
    return Collections.unmodifiableMap(out);
  }

  private static JsonNode member(JsonNode node, String name) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equalsIgnoreCase(name)) {
        return f.getValue();
      }
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String trimSlashes(String s) {
    if (s == null) {
      return null;
    }
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == '/') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == '/') {
      to--;
    }
    return from == to ? null : s.substring(from, to);
  }

  private static String describe(String s) {
    return '"' + s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + '"';
  }

  /** Builds {@link DmsCsvSettings}; every setting defaults to DMS's default. */
  public static final class Builder {
    private String csvDelimiter = ",";
    private String csvRowDelimiter = "\n";
    private String csvNullValue;
    private boolean addColumnName;
    private boolean includeOpForFullLoad;
    private String timestampColumnName;
    private boolean cdcInsertsOnly;
    private boolean cdcInsertsAndUpdates;
    private CompressionType compressionType = CompressionType.NONE;
    private boolean datePartitionEnabled;
    private DatePartitionSequence datePartitionSequence = DatePartitionSequence.YYYYMMDD;
    private DatePartitionDelimiter datePartitionDelimiter = DatePartitionDelimiter.SLASH;
    private String bucketName;
    private String bucketFolder;
    private boolean preserveTransactions;
    private String cdcPath;
    private boolean rfc4180 = true;
    private boolean useCsvNoSupValue;
    private String csvNoSupValue;

    private Builder() {}

    private Builder(DmsCsvSettings s) {
      csvDelimiter = s.csvDelimiter;
      csvRowDelimiter = s.csvRowDelimiter;
      csvNullValue = s.csvNullValue;
      addColumnName = s.addColumnName;
      includeOpForFullLoad = s.includeOpForFullLoad;
      timestampColumnName = s.timestampColumnName;
      cdcInsertsOnly = s.cdcInsertsOnly;
      cdcInsertsAndUpdates = s.cdcInsertsAndUpdates;
      compressionType = s.compressionType;
      datePartitionEnabled = s.datePartitionEnabled;
      datePartitionSequence = s.datePartitionSequence;
      datePartitionDelimiter = s.datePartitionDelimiter;
      bucketName = s.bucketName;
      bucketFolder = s.bucketFolder;
      preserveTransactions = s.preserveTransactions;
      cdcPath = s.cdcPath;
      rfc4180 = s.rfc4180;
      useCsvNoSupValue = s.useCsvNoSupValue;
      csvNoSupValue = s.csvNoSupValue;
    }

    public Builder csvDelimiter(String v) {
      csvDelimiter = v;
      return this;
    }

    public Builder csvRowDelimiter(String v) {
      csvRowDelimiter = v;
      return this;
    }

    public Builder csvNullValue(String v) {
      csvNullValue = v;
      return this;
    }

    public Builder addColumnName(boolean v) {
      addColumnName = v;
      return this;
    }

    public Builder includeOpForFullLoad(boolean v) {
      includeOpForFullLoad = v;
      return this;
    }

    public Builder timestampColumnName(String v) {
      timestampColumnName = v;
      return this;
    }

    public Builder cdcInsertsOnly(boolean v) {
      cdcInsertsOnly = v;
      return this;
    }

    public Builder cdcInsertsAndUpdates(boolean v) {
      cdcInsertsAndUpdates = v;
      return this;
    }

    public Builder compressionType(CompressionType v) {
      compressionType = v;
      return this;
    }

    public Builder datePartitionEnabled(boolean v) {
      datePartitionEnabled = v;
      return this;
    }

    public Builder datePartitionSequence(DatePartitionSequence v) {
      datePartitionSequence = v;
      return this;
    }

    public Builder datePartitionDelimiter(DatePartitionDelimiter v) {
      datePartitionDelimiter = v;
      return this;
    }

    public Builder bucketName(String v) {
      bucketName = v;
      return this;
    }

    public Builder bucketFolder(String v) {
      bucketFolder = v;
      return this;
    }

    public Builder preserveTransactions(boolean v) {
      preserveTransactions = v;
      return this;
    }

    public Builder cdcPath(String v) {
      cdcPath = v;
      return this;
    }

    public Builder rfc4180(boolean v) {
      rfc4180 = v;
      return this;
    }

    public Builder useCsvNoSupValue(boolean v) {
      useCsvNoSupValue = v;
      return this;
    }

    public Builder csvNoSupValue(String v) {
      csvNoSupValue = v;
      return this;
    }

    /**
     * Sets a setting by its DMS name (case-insensitive) from its text form. S3Settings that do not
     * shape the CSV (roles, encryption, Parquet options...) are accepted and ignored.
     *
     * @throws ConfigurationException for a name that is no S3Settings member (naming the nearest
     *     one), an invalid value, or DataFormat other than csv
     */
    public Builder set(String name, String value) {
      String lower = name.trim().toLowerCase(Locale.ROOT);
      if (!S3_SETTINGS.containsKey(lower)) {
        throw new ConfigurationException(
            "unknown setting "
                + name
                + " (did you mean "
                + nearestSetting(name)
                + "? the names are those of the DMS S3Settings API)");
      }
      if (value == null) {
        throw new ConfigurationException(name + " must be a single value");
      }
      switch (lower) {
        case "csvdelimiter" -> csvDelimiter = unescape(value);
        case "csvrowdelimiter" -> csvRowDelimiter = unescape(value);
        case "csvnullvalue" -> csvNullValue = value;
        case "addcolumnname" -> addColumnName = bool(name, value);
        case "includeopforfullload" -> includeOpForFullLoad = bool(name, value);
        case "timestampcolumnname" -> timestampColumnName = value;
        case "cdcinsertsonly" -> cdcInsertsOnly = bool(name, value);
        case "cdcinsertsandupdates" -> cdcInsertsAndUpdates = bool(name, value);
        case "compressiontype" -> compressionType = enumValue(CompressionType.class, name, value);
        case "datepartitionenabled" -> datePartitionEnabled = bool(name, value);
        case "datepartitionsequence" ->
            datePartitionSequence = enumValue(DatePartitionSequence.class, name, value);
        case "datepartitiondelimiter" ->
            datePartitionDelimiter = enumValue(DatePartitionDelimiter.class, name, value);
        case "bucketname" -> bucketName = value;
        case "bucketfolder" -> bucketFolder = value;
        case "preservetransactions" -> preserveTransactions = bool(name, value);
        case "cdcpath" -> cdcPath = value;
        case "rfc4180" -> rfc4180 = bool(name, value);
        case "usecsvnosupvalue" -> useCsvNoSupValue = bool(name, value);
        case "csvnosupvalue" -> csvNoSupValue = value;
        case "dataformat" -> {
          if (!value.trim().equalsIgnoreCase("csv")) {
            throw new ConfigurationException(
                "DataFormat " + value + " is not supported: only csv output can be read");
          }
        }
        default -> {
          // Other S3Settings (roles, encryption, Parquet options...) do not shape the CSV.
        }
      }
      return this;
    }

    public DmsCsvSettings build() {
      return new DmsCsvSettings(
          csvDelimiter,
          csvRowDelimiter,
          csvNullValue,
          addColumnName,
          includeOpForFullLoad,
          timestampColumnName,
          cdcInsertsOnly,
          cdcInsertsAndUpdates,
          compressionType,
          datePartitionEnabled,
          datePartitionSequence,
          datePartitionDelimiter,
          bucketName,
          bucketFolder,
          preserveTransactions,
          cdcPath,
          rfc4180,
          useCsvNoSupValue,
          csvNoSupValue);
    }

    private static boolean bool(String name, String value) {
      String v = value.trim();
      if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("y")) {
        return true;
      }
      if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("n")) {
        return false;
      }
      throw new ConfigurationException(name + " must be true or false, got " + value);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name, String value) {
      String v = value.trim().toUpperCase(Locale.ROOT);
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(v)) {
          return e;
        }
      }
      throw new ConfigurationException(
          name
              + " must be one of "
              + java.util.Arrays.toString(type.getEnumConstants())
              + ", got "
              + value);
    }

    /** DMS prints control characters escaped ({@code "\\n"}); accept both forms. */
    static String unescape(String v) {
      if (v.indexOf('\\') < 0) {
        return v;
      }
      StringBuilder sb = new StringBuilder(v.length());
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '\\' && i + 1 < v.length()) {
          char n = v.charAt(++i);
          switch (n) {
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case '\\' -> sb.append('\\');
            default -> sb.append('\\').append(n);
          }
        } else {
          sb.append(c);
        }
      }
      return sb.toString();
    }
  }
}
