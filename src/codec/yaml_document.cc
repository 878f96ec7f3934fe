#include "codec/yaml_document.h"

#include <yaml.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/node/detail/memory.h>
#include <yaml-cpp/node/detail/node.h>

#include <map>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace willis::codec {
struct WrapNode {};
}  // namespace willis::codec

// yaml-cpp offers no public way to give a node its source mark (line numbers in our errors) or to
// wrap a node built through its detail API; every as_if<T, S> is a friend of YAML::Node, so this
// specialisation is the one place that reaches the private constructor.
template <>
struct YAML::as_if<willis::codec::WrapNode, void> {
  static Node wrap(detail::node& node, const detail::shared_memory_holder& memory) {
    return Node(node, memory);
  }
};

namespace willis::codec {

namespace {

using YAML::detail::node;

/// Builds nodes from parser events the way YAML::Load does: same marks, tags, styles and shared
/// anchor targets, and a key given twice kept twice (the strict walk reports it).
class Builder : public YAML::EventHandler {
 public:
  int documents = 0;
  int second_line = 0;
  bool building = true;

  YAML::Node root() const {
    return root_ ? YAML::as_if<WrapNode, void>::wrap(*root_, memory_) : YAML::Node();
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) second_line = mark.line >= 0 ? mark.line + 1 : 0;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!building) return;
    node& made = make(mark, anchor);
    made.set_null();
    attach(made);
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    if (!building) return;
    attach(anchor < anchors_.size() && anchors_[anchor] ? *anchors_[anchor]
                                                        : memory_->create_node());
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (!building) return;
    node& made = make(mark, anchor);
    made.set_scalar(value);
    made.set_tag(tag);
    attach(made);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(mark, tag, anchor, style, YAML::NodeType::Sequence);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(mark, tag, anchor, style, YAML::NodeType::Map);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    node* collection;
    node* key = nullptr;  // a map's key waiting for its value
  };

  node& make(const YAML::Mark& mark, YAML::anchor_t anchor) {
    node& made = memory_->create_node();
    made.set_mark(mark);
    if (anchor) {
      if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, nullptr);
      anchors_[anchor] = &made;
    }
    return made;
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            YAML::EmitterStyle::value style, YAML::NodeType::value type) {
    if (!building) return;
    node& made = make(mark, anchor);
    made.set_type(type);
    made.set_tag(tag);
    made.set_style(style);
    open_.push_back(Open{&made});
  }

  void close() {
    if (!building || open_.empty()) return;
    node& done = *open_.back().collection;
    open_.pop_back();
    attach(done);
  }

  // A finished node goes into the collection still open, or becomes the root.
  void attach(node& done) {
    if (open_.empty()) {
      root_ = &done;
      return;
    }
    Open& parent = open_.back();
    if (parent.collection->type() == YAML::NodeType::Sequence) {
      parent.collection->push_back(done, memory_);
    } else if (!parent.key) {
      parent.key = &done;
    } else {
      parent.collection->insert(*parent.key, done, memory_);
      parent.key = nullptr;
    }
  }

  YAML::detail::shared_memory_holder memory_ = std::make_shared<YAML::detail::memory_holder>();
  std::vector<Open> open_;
  std::vector<node*> anchors_;
  node* root_ = nullptr;
};

/// yaml-cpp's mark (0-based line and column) of a libyaml mark.
YAML::Mark mark_of(const yaml_mark_t& at) {
  YAML::Mark mark;
  mark.pos = static_cast<int>(at.index);
  mark.line = static_cast<int>(at.line);
  mark.column = static_cast<int>(at.column);
  return mark;
}

/// The parser's error, as yaml-cpp reports its own: a ParserException with the place.
[[noreturn]] void throw_parse_error(const yaml_parser_t& parser) {
  const yaml_mark_t& at = parser.problem ? parser.problem_mark : parser.context_mark;
  std::string message = parser.problem ? parser.problem : "malformed YAML";
  if (parser.context) message = std::string(parser.context) + ": " + message;
  throw YAML::ParserException(mark_of(at), message);
}

/// libyaml's parser and one event, freed on every way out.
struct Parser {
  yaml_parser_t parser;
  yaml_event_t event{};
  bool has_event = false;
  explicit Parser(const std::string& text) {
    if (!yaml_parser_initialize(&parser)) throw std::bad_alloc();
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Parser() {
    if (has_event) yaml_event_delete(&event);
    yaml_parser_delete(&parser);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  const yaml_event_t& next() {
    if (has_event) yaml_event_delete(&event);
    has_event = false;
    if (!yaml_parser_parse(&parser, &event)) throw_parse_error(parser);
    has_event = true;
    return event;
  }
};

/// The tag yaml-cpp gives a node: the explicit one, else "!" for a quoted or block scalar and "?"
/// for everything else (non-specific tags).
std::string tag_of(const yaml_char_t* tag, bool plain) {
  if (tag) return reinterpret_cast<const char*>(tag);
  return plain ? "?" : "!";
}

/// yaml-cpp reads these plain scalars as null (YAML::IsNullString).
bool is_null_text(std::string_view value) {
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

/// Anchor names to yaml-cpp's numbers: each definition a new number, a name the newest one.
class Anchors {
 public:
  YAML::anchor_t define(const yaml_char_t* name) {
    if (!name) return YAML::NullAnchor;
    const YAML::anchor_t number = ++last_;
    by_name_[reinterpret_cast<const char*>(name)] = number;
    return number;
  }
  YAML::anchor_t find(const yaml_event_t& alias) const {
    const auto it = by_name_.find(reinterpret_cast<const char*>(alias.data.alias.anchor));
    if (it == by_name_.end())
      throw YAML::ParserException(mark_of(alias.start_mark), YAML::ErrorMsg::UNKNOWN_ANCHOR);
    return it->second;
  }

 private:
  YAML::anchor_t last_ = YAML::NullAnchor;
  std::map<std::string, YAML::anchor_t> by_name_;
};

/// One event of libyaml handed to the builder as yaml-cpp's parser would hand it.
void hand_over(const yaml_event_t& event, Anchors& anchors, Builder& builder) {
  const YAML::Mark mark = mark_of(event.start_mark);
  switch (event.type) {
    case YAML_DOCUMENT_START_EVENT:
      builder.OnDocumentStart(mark);
      break;
    case YAML_DOCUMENT_END_EVENT:
      builder.OnDocumentEnd();
      break;
    case YAML_ALIAS_EVENT:
      builder.OnAlias(mark, anchors.find(event));
      break;
    case YAML_SCALAR_EVENT: {
      const auto& scalar = event.data.scalar;
      const bool plain = scalar.style == YAML_PLAIN_SCALAR_STYLE;
      const YAML::anchor_t anchor = anchors.define(scalar.anchor);
      const std::string value(reinterpret_cast<const char*>(scalar.value), scalar.length);
      if (plain && !scalar.tag && is_null_text(value))
        builder.OnNull(mark, anchor);
      else
        builder.OnScalar(mark, tag_of(scalar.tag, plain), anchor, value);
      break;
    }
    case YAML_SEQUENCE_START_EVENT: {
      const auto& start = event.data.sequence_start;
      builder.OnSequenceStart(mark, tag_of(start.tag, true), anchors.define(start.anchor),
                              start.style == YAML_FLOW_SEQUENCE_STYLE ? YAML::EmitterStyle::Flow
                                                                      : YAML::EmitterStyle::Block);
      break;
    }
    case YAML_SEQUENCE_END_EVENT:
      builder.OnSequenceEnd();
      break;
    case YAML_MAPPING_START_EVENT: {
      const auto& start = event.data.mapping_start;
      builder.OnMapStart(mark, tag_of(start.tag, true), anchors.define(start.anchor),
                         start.style == YAML_FLOW_MAPPING_STYLE ? YAML::EmitterStyle::Flow
                                                                : YAML::EmitterStyle::Block);
      break;
    }
    case YAML_MAPPING_END_EVENT:
      builder.OnMapEnd();
      break;
    default:
      break;
  }
}

}  // namespace

FirstDocument load_first_document(const std::string& text) {
  // libyaml's parser (C, ~20x faster than yaml-cpp's scanner: half of `willis assess` on a heavy
  // profile went there; issue 17) feeds the same builder yaml-cpp's parser fed.
  Parser parser(text);
  Builder builder;
  Anchors anchors;
  // Parse to the end of a second document (its errors count, as with YAML::Load's parser), not
  // beyond.
  for (;;) {
    const yaml_event_t& event = parser.next();
    if (event.type == YAML_STREAM_END_EVENT) break;
    if (event.type == YAML_DOCUMENT_START_EVENT && builder.documents == 1) builder.building = false;
    hand_over(event, anchors, builder);
    if (event.type == YAML_DOCUMENT_END_EVENT && builder.documents == 2) break;
  }
  return FirstDocument{builder.root(), builder.documents, builder.second_line};
}

}  // namespace willis::codec
