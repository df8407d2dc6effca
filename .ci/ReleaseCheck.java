import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a staging repository written by {@code mvn -Prelease deploy} against Maven Central's published requirements
 * (https://central.sonatype.org/publish/requirements/): for each artifact its POM, and for a jar its main, sources
 * and javadoc jars, each with a matching .md5 and .sha1; in the POM (or the parent POM it inherits from) a name,
 * description, url, licence, developer and scm; a release version and no SNAPSHOT anywhere. Also what bgtasks
 * promises: every main jar is a named module (module-info.class), and nothing but the listed artifacts is published.
 * GPG signatures (.asc) are not checked: the release profile signs nothing, since signing needs the release key.
 *
 * <pre>{@code
 * java .ci/ReleaseCheck.java /tmp/staging dev.bgtasks 0.1.0 bgtasks-parent bgtasks-core bgtasks-bom
 * }</pre>
 */
public final class ReleaseCheck {
    private final Path repo;
    private final String group;
    private final String version;
    private final List<String> problems = new ArrayList<>();

    private ReleaseCheck(Path repo, String group, String version) {
        this.repo = repo;
        this.group = group;
        this.version = version;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: ReleaseCheck <repository> <groupId> <version> <artifactId>...");
            System.exit(2);
        }
        ReleaseCheck check = new ReleaseCheck(Path.of(args[0]), args[1], args[2]);
        List<String> artifacts = List.of(args).subList(3, args.length);
        for (String artifact : artifacts) {
            check.artifact(artifact);
        }
        check.nothingElse(artifacts);
        check.problems.forEach(p -> System.out.println("FAIL " + p));
        System.out.println(check.problems.isEmpty() ? "release check passed: " + artifacts.size() + " artifacts"
                : "release check failed: " + check.problems.size() + " problems");
        System.exit(check.problems.isEmpty() ? 0 : 1);
    }

    private Path dir(String groupId, String artifactId, String artifactVersion) {
        return repo.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(artifactVersion);
    }

    private void artifact(String artifactId) throws Exception {
        Path dir = dir(group, artifactId, version);
        Path pom = dir.resolve(artifactId + "-" + version + ".pom");
        if (!file(pom)) {
            return;
        }
        String text = Files.readString(pom);
        if (text.contains("SNAPSHOT")) {
            problems.add(pom.getFileName() + " mentions a SNAPSHOT");
        }
        Element project = parse(pom);
        String declared = child(project, "version").or(() -> child(project, "parent/version")).orElse("");
        if (!declared.equals(version)) {
            problems.add(pom.getFileName() + " has version '" + declared + "', not " + version);
        }
        if (child(project, "name").isEmpty()) {
            problems.add(pom.getFileName() + " has no <name> (not inherited: each POM needs its own)");
        }
        for (String field : List.of("description", "url", "licenses/license/name", "licenses/license/url",
                "developers/developer/name", "scm/url", "scm/connection")) {
            if (inherited(project, field).isEmpty()) {
                problems.add(pom.getFileName() + " has no <" + field + ">, nor does its parent");
            }
        }
        String packaging = child(project, "packaging").orElse("jar");
        if (packaging.equals("jar")) {
            Path jar = dir.resolve(artifactId + "-" + version + ".jar");
            if (file(jar) && !contains(jar, n -> n.equals("module-info.class")
                    || n.matches("META-INF/versions/\\d+/module-info.class"))) {
                problems.add(jar.getFileName() + " has no module-info.class");
            }
            Path sources = dir.resolve(artifactId + "-" + version + "-sources.jar");
            if (file(sources) && !contains(sources, n -> n.endsWith(".java"))) {
                problems.add(sources.getFileName() + " holds no .java file");
            }
            Path javadoc = dir.resolve(artifactId + "-" + version + "-javadoc.jar");
            if (file(javadoc) && !contains(javadoc, n -> n.equals("index.html") || n.startsWith("README"))) {
                problems.add(javadoc.getFileName() + " holds neither index.html nor a README");
            }
        }
        System.out.println("checked " + group + ":" + artifactId + ":" + version + " (" + packaging + ")");
    }

    /** The field from this POM or, failing that, from its parent chain in the same repository. */
    private Optional<String> inherited(Element project, String field) throws Exception {
        Optional<String> own = child(project, field);
        if (own.isPresent() || child(project, "parent/artifactId").isEmpty()) {
            return own;
        }
        Path parent = dir(child(project, "parent/groupId").orElseThrow(), child(project, "parent/artifactId")
                .orElseThrow(), child(project, "parent/version").orElseThrow())
                .resolve(child(project, "parent/artifactId").orElseThrow() + "-"
                        + child(project, "parent/version").orElseThrow() + ".pom");
        if (!Files.isRegularFile(parent)) {
            problems.add("parent POM " + parent + " is not in the repository");
            return Optional.empty();
        }
        return inherited(parse(parent), field);
    }

    /** The file exists with .md5 and .sha1 files that match it. */
    private boolean file(Path path) throws IOException, NoSuchAlgorithmException {
        if (!Files.isRegularFile(path)) {
            problems.add(repo.relativize(path) + " is missing");
            return false;
        }
        byte[] bytes = Files.readAllBytes(path);
        for (String algorithm : List.of("MD5", "SHA-1")) {
            Path sum = Path.of(path + "." + algorithm.toLowerCase().replace("-", ""));
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
            if (!Files.isRegularFile(sum)) {
                problems.add(repo.relativize(sum) + " is missing");
            } else if (!Files.readString(sum).trim().split("\\s+")[0].equalsIgnoreCase(expected)) {
                problems.add(repo.relativize(sum) + " does not match " + path.getFileName());
            }
        }
        return true;
    }

    private void nothingElse(List<String> artifacts) throws IOException {
        Path groupDir = repo.resolve(group.replace('.', '/'));
        try (Stream<Path> published = Files.list(groupDir)) {
            published.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> !artifacts.contains(name))
                    .forEach(name -> problems.add(group + ":" + name + " is published but is not a published module"));
        }
    }

    private static boolean contains(Path jar, Predicate<String> entry) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> entry.test(e.getName()));
        }
    }

    private static Element parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    }

    /** The text of a child element path such as {@code licenses/license/name}, when present and not blank. */
    private static Optional<String> child(Element element, String path) {
        Element current = element;
        for (String name : path.split("/")) {
            Element next = null;
            for (Node node = current.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element e && e.getTagName().equals(name)) {
                    next = e;
                    break;
                }
            }
            if (next == null) {
                return Optional.empty();
            }
            current = next;
        }
        String text = current.getTextContent().trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
}
