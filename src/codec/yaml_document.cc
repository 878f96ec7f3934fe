#include "codec/yaml_document.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/node/detail/memory.h>
#include <yaml-cpp/node/detail/node.h>

#include <memory>
#include <sstream>
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

}  // namespace

FirstDocument load_first_document(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  Builder builder;
  // Stop at two documents: yaml-cpp's LoadAll never ends on some malformed inputs (fuzzing).
  if (parser.HandleNextDocument(builder)) {
    builder.building = false;
    parser.HandleNextDocument(builder);
  }
  return FirstDocument{builder.root(), builder.documents, builder.second_line};
}

}  // namespace willis::codec
