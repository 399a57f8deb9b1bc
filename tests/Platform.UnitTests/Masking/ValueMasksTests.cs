using Platform.Domain.Masking;
using Xunit;

namespace Platform.UnitTests.Masking;

public class ValueMasksTests
{
    [Theory]
    [InlineData("42010219900307123X", "420102************")]
    [InlineData("42010219900307123x", "420102************")]
    [InlineData("110105491231002", "110105*********")] // first-generation 15-digit number
    [InlineData(" 11010519491231002X ", "110105************")]
    [InlineData("不详", "不*")]
    public void MaskIdNumber_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.MaskIdNumber(value));
    }

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+86 138-1234-5678", "138****5678")]
    [InlineData("008613812345678", "138****5678")]
    [InlineData("027-87654321", "0***********")] // a landline is not a mobile: generic mask
    public void MaskMobile_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.MaskMobile(value));
    }

    [Theory]
    [InlineData("6222021234567890123", "622202*********0123")]
    [InlineData("6222 0212 3456 7890", "622202******7890")]
    [InlineData("621700123456", "621700**3456")]
    [InlineData("12345", "1****")]
    public void MaskBankCard_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.MaskBankCard(value));
    }

    [Theory]
    [InlineData("张三", "张*")]
    [InlineData("王秀英", "王**")]
    [InlineData("欧阳修", "欧阳*")]
    [InlineData("欧阳娜娜", "欧阳**")]
    [InlineData("诸葛亮", "诸葛*")]
    [InlineData("司马相如", "司马**")]
    [InlineData("欧阳", "欧*")] // two characters: surname 欧, given name 阳
    [InlineData("张", "*")]
    [InlineData("买买提·艾力", "买**·**")]
    [InlineData("John Smith", "J*********")]
    public void MaskName_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.MaskName(value));
    }

    [Theory]
    [InlineData("zhangsan@example.com", "z***@example.com")]
    [InlineData("a@hubei.gov.cn", "a***@hubei.gov.cn")]
    [InlineData("张三@例子.中国", "张***@例子.中国")]
    [InlineData("not-an-email", "n***********")]
    public void MaskEmail_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.MaskEmail(value));
    }

    [Theory]
    [InlineData("91420100MA4K0000X1", "91420100**********")]
    [InlineData("个体户", "个**")]
    public void MaskCreditCode_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.MaskCreditCode(value));
    }

    [Theory]
    [InlineData("鄂A12345", "鄂A*****")]
    [InlineData("鄂A·12345", "鄂A*****")]
    [InlineData("鄂AD12345", "鄂A******")] // new-energy plate
    [InlineData("无牌", "无*")]
    public void MaskPlate_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.MaskPlate(value));
    }

    [Theory]
    [InlineData("1990-03-07", "1990")]
    [InlineData("19900307", "1990")]
    [InlineData("1990年3月7日", "1990")]
    [InlineData("1990/3/7", "1990")]
    [InlineData("1990-03-07T08:00:00", "1990")]
    [InlineData("1990-03-07 08:00", "1990")]
    [InlineData("1990", "1***")] // a bare year is not generalised further: it is masked
    [InlineData("未知", "未*")]
    public void GeneraliseBirthDate_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.GeneraliseBirthDate(value));
    }

    [Theory]
    [InlineData("工程师", "工**")]
    [InlineData("男", "*")]
    [InlineData("ab", "a*")]
    [InlineData("𠀀𠀁", "𠀀*")] // a supplementary-plane character stays whole
    [InlineData("", "")]
    public void MaskGeneric_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.MaskGeneric(value));
    }

    [Theory]
    [InlineData("湖北省武汉市洪山区珞喻路1037号", "湖北省武汉市洪山区")]
    [InlineData("北京市朝阳区建国路88号", "北京市朝阳区")]
    [InlineData("上海市浦东新区世纪大道100号", "上海市浦东新区")]
    [InlineData("重庆市巫山县龙门街道1号", "重庆市巫山县")]
    [InlineData("武汉市洪山区珞喻路1037号", "武汉市洪山区")]
    [InlineData("湖北省荆州市洪湖市新堤街道", "湖北省荆州市洪湖市")] // county-level city
    [InlineData("湖北省恩施土家族苗族自治州恩施市舞阳大街", "湖北省恩施土家族苗族自治州恩施市")]
    [InlineData("湖北省神农架林区松柏镇", "湖北省神农架林区")] // forestry district directly under the province
    [InlineData("湖北省仙桃市沙嘴街道新区路8号", "湖北省仙桃市")] // county-level city directly under the province
    [InlineData("广西壮族自治区南宁市青秀区民族大道", "广西壮族自治区南宁市青秀区")]
    [InlineData("河北省唐山市路南区小山街", "河北省唐山市路南区")] // 路 starts the district name
    [InlineData("山东省济南市市中区经七路", "山东省济南市市中区")]
    [InlineData("河南省郑州市金水区花园路", "河南省郑州市金水区")] // 州 inside a city name is not a suffix
    [InlineData("内蒙古自治区锡林郭勒盟锡林浩特市", "内蒙古自治区锡林郭勒盟")] // already at county level: one level up
    [InlineData("湖北省武汉市洪山区", "湖北省武汉市")] // already at district level: one level up
    [InlineData("湖北省武汉市", "湖北省")]
    [InlineData("珞喻路1037号", "********")] // no level recognised: masked entirely
    public void TruncateAddress_Examples(string value, string expected)
    {
        Assert.Equal(expected, ValueMasks.TruncateAddress(value));
    }
}
