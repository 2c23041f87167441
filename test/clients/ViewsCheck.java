/*
 * ViewsCheck.java -- the PostgreSQL JDBC driver reads every column of every
 * view deployed by clv_create_views and must get it in a plain Java type
 * (Long, Integer, BigDecimal, Double, String, Boolean, java.sql.Date,
 * java.sql.Timestamp; never PGobject, Array or Struct), with the JDBC type
 * ResultSetMetaData reports for that PostgreSQL type, and with the value
 * psql printed (reference files written by test/clients/run.sh).
 *
 *   java -Duser.timezone=UTC -cp /usr/share/java/postgresql.jar:DIR ViewsCheck URL REFDIR
 *
 * Prints one TAP line per view ("ok - ..." / "not ok - ..."), unnumbered:
 * run.sh numbers the lines of all the clients.
 */
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;

public class ViewsCheck
{
	/* psql's timestamptz text: fraction of 0 to 6 digits, offset "+00" */
	static final DateTimeFormatter PG_TIMESTAMPTZ = new DateTimeFormatterBuilder()
		.appendPattern("yyyy-MM-dd HH:mm:ss")
		.optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true).optionalEnd()
		.appendPattern("X")
		.toFormatter();

	/* the Java class and JDBC types acceptable for a PostgreSQL type */
	static boolean typeOk(String pgType, Object v, int jdbcType)
	{
		switch (pgType)
		{
			case "bigint":
				return jdbcType == Types.BIGINT && (v == null || v instanceof Long);
			case "integer":
				return jdbcType == Types.INTEGER && (v == null || v instanceof Integer);
			case "numeric":
				return jdbcType == Types.NUMERIC && (v == null || v instanceof BigDecimal);
			case "double precision":
				return jdbcType == Types.DOUBLE && (v == null || v instanceof Double);
			case "text":
				return jdbcType == Types.VARCHAR && (v == null || v instanceof String);
			case "boolean":
				return (jdbcType == Types.BIT || jdbcType == Types.BOOLEAN) && (v == null || v instanceof Boolean);
			case "date":
				return jdbcType == Types.DATE && (v == null || v instanceof java.sql.Date);
			case "timestamp with time zone":
				return (jdbcType == Types.TIMESTAMP || jdbcType == Types.TIMESTAMP_WITH_TIMEZONE)
					&& (v == null || v instanceof Timestamp);
			default:
				return false;
		}
	}

	/* whether the driver's value is the one psql printed as ref */
	static boolean valueOk(String pgType, Object v, String ref)
	{
		if (ref.equals("\\N"))
			return v == null;
		if (v == null)
			return false;
		switch (pgType)
		{
			case "bigint":
			case "integer":
			case "text":
				return v.toString().equals(ref);
			case "numeric":
				return ((BigDecimal) v).toPlainString().equals(ref);
			case "double precision":
				return Double.compare((Double) v, Double.parseDouble(ref)) == 0;
			case "boolean":
				return ((Boolean) v) == ref.equals("t");
			case "date":
				return v.toString().equals(ref);
			case "timestamp with time zone":
				return ((Timestamp) v).toInstant().equals(OffsetDateTime.parse(ref, PG_TIMESTAMPTZ).toInstant());
			default:
				return false;
		}
	}

	public static void main(String[] args) throws Exception
	{
		String url = args[0];
		Path ref = Path.of(args[1]);
		boolean allOk = true;

		try (Connection conn = DriverManager.getConnection(url))
		{
			for (String line : Files.readAllLines(ref.resolve("views.txt"), StandardCharsets.UTF_8))
			{
				String[] vk = line.split("\t");
				String view = vk[0];
				List<String> expected = Files.readAllLines(ref.resolve(view + ".tsv"), StandardCharsets.UTF_8);
				List<String> types = new ArrayList<>();
				for (String t : Files.readAllLines(ref.resolve(view + ".types"), StandardCharsets.UTF_8))
					types.add(t.split("\t")[1]);
				List<String> problems = new ArrayList<>();
				int rows = 0;
				int columns = 0;

				try (Statement st = conn.createStatement();
					 ResultSet rs = st.executeQuery("SELECT * FROM " + view + " ORDER BY " + vk[1]))
				{
					ResultSetMetaData md = rs.getMetaData();
					columns = md.getColumnCount();
					String[] header = expected.get(0).split("\t", -1);
					if (columns != header.length)
						problems.add("columns: " + columns + " against psql's " + header.length);
					for (int c = 1; c <= columns && c <= header.length; c++)
						if (!md.getColumnName(c).equals(header[c - 1]))
							problems.add("column " + c + " is " + md.getColumnName(c) + ", psql: " + header[c - 1]);
					while (rs.next())
					{
						rows++;
						String[] want = rows < expected.size() ? expected.get(rows).split("\t", -1) : new String[0];
						for (int c = 1; c <= columns; c++)
						{
							Object v = rs.getObject(c);
							String pgType = c <= types.size() ? types.get(c - 1) : "?";
							if (!typeOk(pgType, v, md.getColumnType(c)))
								problems.add(view + "." + md.getColumnName(c) + " (" + pgType + ") arrives as JDBC type "
											 + md.getColumnType(c) + " / " + (v == null ? "null" : v.getClass().getName()));
							else if (c > want.length || !valueOk(pgType, v, want[c - 1]))
								problems.add(view + "." + md.getColumnName(c) + " row " + rows + ": " + v + ", psql: "
											 + (c > want.length ? "(nothing)" : want[c - 1]));
						}
					}
				}
				if (rows != expected.size() - 1)
					problems.add("rows: " + rows + " against psql's " + (expected.size() - 1));
				System.out.println((problems.isEmpty() ? "ok" : "not ok") + " - JDBC reads " + view + ": " + rows
								   + " rows x " + columns + " columns in plain Java types, values as psql shows them");
				for (int i = 0; i < problems.size() && i < 10; i++)
					System.out.println("#   " + problems.get(i));
				allOk &= problems.isEmpty();
			}
		}
		System.exit(allOk ? 0 : 1);
	}
}
