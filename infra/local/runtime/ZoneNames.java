// Regenerates zone-names.json, the time-zone names Java's DateTimeFormatter prints for the
// pattern letters z/zzzz (specific) and v/vvvv (generic) in Locale.US. Node's Intl knows the long
// names but not most short ones ("AWST"), so util.time reads them from this table.
//
//   java infra/local/runtime/ZoneNames.java > infra/local/runtime/zone-names.json
//
// Each entry: [short standard, long standard, short daylight, long daylight, short generic, long
// generic]; a zone that never observes daylight saving repeats its standard names.
import java.time.*;
import java.time.format.DateTimeFormatter;
import java.util.*;

public class ZoneNames {
  public static void main(String[] args) {
    DateTimeFormatter f = DateTimeFormatter.ofPattern("z\u0000zzzz\u0000v\u0000vvvv", Locale.US);
    StringBuilder out = new StringBuilder("{\n");
    List<String> ids = new ArrayList<>(ZoneId.getAvailableZoneIds());
    Collections.sort(ids);
    for (int n = 0; n < ids.size(); n++) {
      ZoneId zone = ZoneId.of(ids.get(n));
      String[] std = null, dst = null;
      for (int month = 1; month <= 12; month++) {
        ZonedDateTime t = LocalDateTime.of(2024, month, 15, 12, 0).atZone(zone);
        String[] names = f.format(t).split("\u0000");
        if (zone.getRules().isDaylightSavings(t.toInstant())) { if (dst == null) dst = names; } else if (std == null) std = names;
      }
      if (std == null) std = dst;
      if (dst == null) dst = std;
      out.append("  \"").append(ids.get(n)).append("\": [\"").append(String.join("\", \"", std[0], std[1], dst[0], dst[1], std[2], std[3])).append("\"]");
      out.append(n + 1 < ids.size() ? ",\n" : "\n");
    }
    System.out.print(out.append("}\n"));
  }
}
