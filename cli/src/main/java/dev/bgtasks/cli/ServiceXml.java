package dev.bgtasks.cli;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * An indenting XML writer over StAX, so every name and value in a plist or task file is escaped by the JDK's
 * writer and the output is the same on every JDK (the DOM serializer's indentation differs between versions).
 */
final class ServiceXml {
    private final StringWriter text = new StringWriter();
    private final XMLStreamWriter xml;
    private int depth;
    private boolean lastWasStart;

    private ServiceXml(String encoding) {
        try {
            xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            xml.writeStartDocument(encoding, "1.0");
        } catch (XMLStreamException e) {
            throw new IllegalStateException("the JDK's XML writer failed", e);
        }
    }

    /** A document whose declaration names {@code encoding}; the caller encodes the text that way. */
    static ServiceXml document(String encoding) {
        return new ServiceXml(encoding);
    }

    ServiceXml doctype(String declaration) {
        return write(() -> {
            xml.writeCharacters("\n");
            xml.writeDTD(declaration);
        });
    }

    /** Opens an element; {@code attributes} are name, value pairs. */
    ServiceXml start(String name, String... attributes) {
        return write(() -> {
            newLine();
            xml.writeStartElement(name);
            for (int i = 0; i + 1 < attributes.length; i += 2) {
                if (attributes[i].equals("xmlns")) {
                    xml.writeDefaultNamespace(attributes[i + 1]);
                } else {
                    xml.writeAttribute(attributes[i], attributes[i + 1]);
                }
            }
            depth++;
            lastWasStart = true;
        });
    }

    ServiceXml end() {
        return write(() -> {
            depth--;
            if (!lastWasStart) {
                newLine();
            }
            xml.writeEndElement();
            lastWasStart = false;
        });
    }

    /** An element holding only text. */
    ServiceXml element(String name, String value) {
        return write(() -> {
            newLine();
            xml.writeStartElement(name);
            xml.writeCharacters(value);
            xml.writeEndElement();
            lastWasStart = false;
        });
    }

    /** An element with no content, such as a plist {@code <true/>}. */
    ServiceXml empty(String name) {
        return write(() -> {
            newLine();
            xml.writeEmptyElement(name);
            lastWasStart = false;
        });
    }

    /** The document, ending with a newline. */
    String finish() {
        write(() -> {
            xml.writeEndDocument();
            xml.flush();
            xml.close();
        });
        return text + "\n";
    }

    private void newLine() throws XMLStreamException {
        xml.writeCharacters("\n" + "  ".repeat(depth));
    }

    private ServiceXml write(XmlAction action) {
        try {
            action.run();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("the JDK's XML writer failed", e);
        }
        return this;
    }

    @FunctionalInterface
    private interface XmlAction {
        void run() throws XMLStreamException;
    }
}
