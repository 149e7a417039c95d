package dev.concierge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.NewMemory;
import dev.concierge.context.Provenance;
import dev.concierge.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Made-up but plausible memories of an assistant's user — facts, preferences, episodes and notes — from sentence
 * templates filled from small vocabularies, with the metadata and provenance the gateway would attach. The same seed
 * gives the same memories, so runs compare. Queries are questions about the same vocabularies, so they share words
 * (and meaning) with some memories, as real recall queries do.
 */
final class SyntheticMemories {
  private static final List<String> PEOPLE = List.of("Alice", "Bob", "Carmen", "Dmitri", "Elena", "Farid", "Grace",
      "Hiroshi", "Ines", "Jamal", "Katarina", "Liam", "Mei", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Sven",
      "Tomasz", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Marco", "Anika", "Pedro", "Leila");
  private static final List<String> RELATIVES = List.of("sister", "brother", "mother", "father", "aunt", "uncle",
      "cousin", "grandmother", "daughter", "son", "partner", "best friend", "neighbour", "manager");
  private static final List<String> CITIES = List.of("Lisbon", "Berlin", "Osaka", "Toronto", "Nairobi", "Lima",
      "Krakow", "Melbourne", "Seattle", "Marseille", "Bangalore", "Oslo", "Austin", "Edinburgh", "Porto", "Seoul",
      "Valencia", "Montreal", "Cape Town", "Vienna", "Denver", "Hanoi", "Dublin", "Mexico City");
  private static final List<String> JOBS = List.of("nurse", "data engineer", "architect", "teacher", "pilot",
      "product manager", "chef", "lawyer", "physiotherapist", "translator", "accountant", "carpenter");
  private static final List<String> COMPANIES = List.of("Northwind", "Globex", "Initech", "Umbrella Health",
      "Blue Harbor Logistics", "Acme Robotics", "Stark Analytics", "Green Valley Foods", "Pioneer Bank");
  private static final List<String> FOODS = List.of("peanuts", "shellfish", "gluten", "lactose", "sesame", "eggs",
      "strawberries", "penicillin", "cats", "pollen");
  private static final List<String> CUISINES = List.of("Thai", "Ethiopian", "Peruvian", "Japanese", "Lebanese",
      "Georgian", "Mexican", "Sichuan", "Portuguese", "Korean", "vegetarian Indian", "Neapolitan pizza");
  private static final List<String> RESTAURANTS = List.of("Casa Lupe", "The Copper Pot", "Sakura Garden",
      "Blue Fig", "Old Mill Tavern", "Cafe Rive", "Noodle Bar 88", "La Esquina", "The Green Room", "Harbour Grill");
  private static final List<String> ITEMS = List.of("running shoes", "a standing desk", "noise-cancelling headphones",
      "a cast iron pan", "a yoga mat", "a kindle", "hiking boots", "a french press", "a mechanical keyboard",
      "a rain jacket", "a board game", "a bike helmet", "winter tyres", "a baby monitor");
  private static final List<String> STORES = List.of("the hardware store", "Amazon", "IKEA", "the farmers market",
      "Decathlon", "the pharmacy", "the bookshop on Main Street", "Zalando");
  private static final List<String> PROJECTS = List.of("Atlas", "billing migration", "Q3 roadmap", "website redesign",
      "onboarding", "data warehouse", "mobile app", "Phoenix", "tax return", "kitchen renovation");
  private static final List<String> AIRLINES = List.of("TAP", "Lufthansa", "KLM", "Air Canada", "Qantas",
      "Japan Airlines", "easyJet", "Delta");
  private static final List<String> MONTHS = List.of("January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December");
  private static final List<String> WEEKDAYS = List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
      "Saturday", "Sunday");
  private static final List<String> PLACES = List.of("office", "gym", "cabin", "parents' house", "coworking space",
      "studio", "beach house");
  private static final List<String> TASKS = List.of("renew the passport", "pay the electricity bill",
      "water the plants", "send the quarterly report", "book the dentist", "call the insurance company",
      "back up the laptop", "return the library books", "order new contact lenses", "submit the expense claim");
  private static final List<String> SUBSCRIPTIONS = List.of("Netflix", "Spotify", "gym", "newspaper",
      "meal kit", "cloud storage", "language app");
  private static final List<String> HOBBIES = List.of("bouldering", "sourdough baking", "chess", "trail running",
      "watercolour painting", "birdwatching", "salsa dancing", "woodworking", "sailing", "playing the cello");
  private static final List<String> COFFEE = List.of("black", "with oat milk", "as a flat white", "decaf after noon",
      "as an espresso", "with a splash of cream", "iced");
  private static final List<String> SEATS = List.of("window", "aisle", "exit row", "front row");
  private static final List<String> SOURCES = List.of("chat", "tool", "import", "cli");
  private static final List<String> CLIENTS = List.of("claude-desktop", "cursor", "vscode", "concierge-cli");

  /** A memory's template: its kind, the server and tool it was captured from, and the sentence. */
  private record Template(String kind, String server, String tool, Function<SplittableRandom, String> text) {}

  private static final List<Template> TEMPLATES = List.of(
      new Template("fact", null, null, r -> "My " + pick(r, RELATIVES) + " " + pick(r, PEOPLE) + " lives in "
          + pick(r, CITIES) + " and works as a " + pick(r, JOBS) + "."),
      new Template("fact", null, null, r -> pick(r, PEOPLE) + "'s birthday is on " + pick(r, MONTHS) + " "
          + (1 + r.nextInt(28)) + "."),
      new Template("fact", null, null, r -> "I work as a " + pick(r, JOBS) + " at " + pick(r, COMPANIES)
          + " since " + (2012 + r.nextInt(14)) + "."),
      new Template("fact", null, null, r -> pick(r, PEOPLE) + " is allergic to " + pick(r, FOODS) + "."),
      new Template("fact", "calendar", "calendar__get_event", r -> "The " + pick(r, PROJECTS)
          + " project is due on " + pick(r, WEEKDAYS) + ", " + pick(r, MONTHS) + " " + (1 + r.nextInt(28)) + "."),
      new Template("fact", null, null, r -> "I took up " + pick(r, HOBBIES) + " with " + pick(r, PEOPLE) + " last "
          + pick(r, MONTHS) + "."),
      new Template("preference", "travel", "travel__book_flight", r -> "I prefer " + pick(r, SEATS)
          + " seats on flights longer than " + (2 + r.nextInt(8)) + " hours."),
      new Template("preference", null, null, r -> "I like my coffee " + pick(r, COFFEE) + "."),
      new Template("preference", null, null, r -> "My favourite cuisine is " + pick(r, CUISINES) + ", especially at "
          + pick(r, RESTAURANTS) + "."),
      new Template("preference", "calendar", "calendar__create_event", r -> "Please don't schedule meetings before "
          + (8 + r.nextInt(3)) + " am on " + pick(r, WEEKDAYS) + "s."),
      new Template("preference", "travel", "travel__book_hotel", r -> "When travelling to " + pick(r, CITIES)
          + " I'd rather stay in a quiet hotel within walking distance of the centre."),
      new Template("episode", "restaurants", "restaurants__reserve", r -> "Booked a table for " + (2 + r.nextInt(6))
          + " at " + pick(r, RESTAURANTS) + " in " + pick(r, CITIES) + " for " + pick(r, PEOPLE) + "'s birthday."),
      new Template("episode", "travel", "travel__book_flight", r -> "Flew from " + pick(r, CITIES) + " to "
          + pick(r, CITIES) + " with " + pick(r, AIRLINES) + "; the flight was " + (10 + r.nextInt(170))
          + " minutes late."),
      new Template("episode", "shop", "shop__order", r -> "Ordered " + pick(r, ITEMS) + " from " + pick(r, STORES)
          + " as a present for " + pick(r, PEOPLE) + "."),
      new Template("episode", "mail", "mail__send", r -> "Emailed " + pick(r, PEOPLE) + " about the "
          + pick(r, PROJECTS) + " invoice and asked for a reply by " + pick(r, WEEKDAYS) + "."),
      new Template("episode", "github", "github__create_issue", r -> "Opened an issue about the " + pick(r, PROJECTS)
          + " login bug that " + pick(r, PEOPLE) + " reported on " + pick(r, WEEKDAYS) + "."),
      new Template("episode", "billing", "billing__cancel", r -> "Cancelled the " + pick(r, SUBSCRIPTIONS)
          + " subscription because it went up to " + (5 + r.nextInt(40)) + " euros a month."),
      new Template("note", "notes", "notes__create", r -> "Remember to " + pick(r, TASKS) + " before "
          + pick(r, WEEKDAYS) + "."),
      new Template("note", "notes", "notes__create", r -> "The wifi password at the " + pick(r, PLACES) + " is "
          + pick(r, CITIES).toLowerCase().replace(' ', '-') + r.nextInt(1000) + "."),
      new Template("note", "notes", "notes__create", r -> "Gift ideas for " + pick(r, PEOPLE) + ": " + pick(r, ITEMS)
          + " or " + pick(r, ITEMS) + ".")
  );

  private static final List<Function<SplittableRandom, String>> QUESTIONS = List.of(
      r -> "where does my " + pick(r, RELATIVES) + " live",
      r -> "when is " + pick(r, PEOPLE) + "'s birthday",
      r -> "what is " + pick(r, PEOPLE) + " allergic to",
      r -> "which seat do I like on long flights",
      r -> "how do I take my coffee",
      r -> "good " + pick(r, CUISINES) + " restaurant in " + pick(r, CITIES),
      r -> "when is the " + pick(r, PROJECTS) + " deadline",
      r -> "what did I order for " + pick(r, PEOPLE),
      r -> "flight delays with " + pick(r, AIRLINES),
      r -> "wifi password for the " + pick(r, PLACES),
      r -> "what should I get " + pick(r, PEOPLE) + " as a present",
      r -> "which subscriptions did I cancel",
      r -> "things I need to do before " + pick(r, WEEKDAYS),
      r -> "hotel preferences for a trip to " + pick(r, CITIES),
      r -> "who works as a " + pick(r, JOBS),
      r -> "what hobby did I start with " + pick(r, PEOPLE));

  /** Memories are dated over the two years before this instant. */
  private static final Instant NEWEST = Instant.parse("2026-11-01T00:00:00Z");
  private static final long SPAN_SECONDS = Duration.ofDays(730).toSeconds();

  private SyntheticMemories() {}

  /** The {@code n}th memory of a user: the same (seed, n) always gives the same memory. */
  static NewMemory memory(long seed, long n) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
    Template t = TEMPLATES.get(r.nextInt(TEMPLATES.size()));
    String session = "s-" + r.nextInt(5000);
    ObjectNode metadata = Json.object().put("topic", t.kind().equals("episode") ? t.server() : t.kind())
        .put("source", t.server() == null ? pick(r, SOURCES) : "tool").put("confidence", 0.5 + r.nextInt(50) / 100.0);
    // Mostly user-wide, as the gateway's memory server writes them; a few bound to a session or an agent.
    int scopeRoll = r.nextInt(20);
    String scope = scopeRoll == 0 ? "session:" + session : scopeRoll == 1 ? "agent:planner" : "user";
    return new NewMemory(t.text().apply(r), scope, t.kind(), metadata,
        new Provenance(t.server(), t.tool(), session, pick(r, CLIENTS)),
        NEWEST.minusSeconds(r.nextLong(SPAN_SECONDS)), null);
  }

  /** The {@code n}th recall query of a run. */
  static String query(long seed, long n) {
    SplittableRandom r = new SplittableRandom(seed * 0xC2B2AE3D27D4EB4FL + n);
    return QUESTIONS.get(r.nextInt(QUESTIONS.size())).apply(r);
  }

  private static String pick(SplittableRandom r, List<String> words) {
    return words.get(r.nextInt(words.size()));
  }
}
