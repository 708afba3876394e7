#include "runtime/executable.hpp"

#include "runtime/verifier.hpp"

namespace precept::runtime {

std::shared_ptr<const Executable> Executable::make(Image image, std::string& error) {
  error = verify(image);
  if (!error.empty()) return nullptr;
  std::shared_ptr<Executable> exe{new Executable()};
  exe->image_ = std::move(image);
  const std::vector<Constant>& constants = exe->image_.constants;
  exe->constants_.resize(constants.size());
  // The verifier guarantees that a collection's elements come before it.
  for (std::size_t i = 0; i < constants.size(); ++i) {
    const Constant& c = constants[i];
    Value& v = exe->constants_[i];
    switch (c.kind) {
      case Constant::Kind::none:
        v = Value::none_value();
        break;
      case Constant::Kind::boolean:
        v = Value::boolean(c.integer != 0);
        break;
      case Constant::Kind::integer:
        v = Value::integer(c.integer);
        break;
      case Constant::Kind::number:
        v = Value::number(c.number);
        break;
      case Constant::Kind::string:
        v = Value::string(c.string);
        break;
      case Constant::Kind::date:
        v = Value::date(c.integer);
        break;
      case Constant::Kind::enumeration:
        v = Value::member(c.enum_type, c.integer);
        break;
      case Constant::Kind::list:
      case Constant::Kind::set: {
        Value* items = exe->arena_.allocate<Value>(c.elements.size());
        for (std::size_t k = 0; k < c.elements.size(); ++k)
          items[k] = exe->constants_[c.elements[k]];
        auto* list = exe->arena_.allocate<ListData>(1);
        *list = ListData{items, static_cast<std::uint32_t>(c.elements.size()), no_index,
                         c.kind == Constant::Kind::set};
        v = Value::of_list(list);
        break;
      }
    }
  }
  return exe;
}

}  // namespace precept::runtime
